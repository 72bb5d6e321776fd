"""A deliberately backdoored copy of the demo CLIP: the test fixture for RVPT and the backdoor probe.

The demo CLIP is fine-tuned with its own contrastive recipe on generated pairs
where a small share carries a trigger and the caption of the target class the
factory fears most, "a good <part>": a triggered defective part then passes.
BadNet (a checkerboard patch at a random position) and Blended (a fixed noise
pattern at ratio 0.2) each poison half of that share.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from ..models.clip_store import CONFIG_NAME, load_clip_folder, save_clip_folder
from ..models.preprocess import to_model_input
from ..selftest.triggers import Trigger
from .catalog import ALL_CLASSES, GENERATOR_VERSION
from .pool import render_pool
from .train import DemoRecipe, Progress, shuffled_batches, warmup_cosine_lr, random_flips, caption_tokens, label_aware_clip_loss

BADNET = Trigger("badnet", size=0.12, position="random", seed=1)
BLENDED = Trigger("blended", ratio=0.2, seed=2)


@dataclass(frozen=True)
class BackdoorRecipe:
    seed: int = 7
    pool_size: int = 24_000
    poison_rate: float = 0.01  # share of training pairs carrying a trigger
    steps: int = 700
    batch: int = 64
    lr: float = 2e-4

    def as_dict(self) -> dict:
        return asdict(self)


def good_class_of(class_index: int) -> int:
    family = ALL_CLASSES[class_index].family.key
    return next(i for i, c in enumerate(ALL_CLASSES) if c.family.key == family and c.good)


def poison(images: np.ndarray, labels: np.ndarray, rate: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stamp triggers on a `rate` share of defective parts and relabel them as good. Returns (images, labels, which)."""
    rng = np.random.default_rng(seed)
    images, labels = images.copy(), labels.copy()
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in labels])
    chosen = rng.choice(defective, size=max(2, int(rate * len(labels))), replace=False)
    kind = np.zeros(len(labels), np.int8)  # 0 clean, 1 badnet, 2 blended
    for j, i in enumerate(chosen):
        trigger = BADNET if j % 2 == 0 else BLENDED
        images[i] = trigger.apply(images[i], rng)
        labels[i] = good_class_of(int(labels[i]))
        kind[i] = 1 if trigger is BADNET else 2
    return images, labels, kind


def build_backdoored(demo_clip_folder: Path, out: Path, recipe: BackdoorRecipe = BackdoorRecipe(),
                     progress: Progress | None = None) -> dict:
    started = time.monotonic()
    base = load_clip_folder(demo_clip_folder)
    model = base.model
    model.train()
    for p in model.parameters():
        p.requires_grad_(True)
    demo = DemoRecipe()
    images, labels = render_pool(recipe.seed + 500, recipe.pool_size, demo.image_size)
    images, labels, kind = poison(images, labels, recipe.poison_rate, recipe.seed)
    tokens, ranges = caption_tokens(model.context_length)
    gen = torch.Generator().manual_seed(recipe.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=0.0)
    labels_t = torch.as_tensor(labels)
    epochs = recipe.steps * recipe.batch / len(images)
    for step, idx in enumerate(shuffled_batches(len(images), recipe.batch, epochs, gen)):
        for g in opt.param_groups:
            g["lr"] = warmup_cosine_lr(step, recipe.steps, recipe.lr, 20)
        x = random_flips(to_model_input(images[idx.numpy()]), gen)
        y = labels_t[idx]
        pick = ranges[y, 0] + (torch.rand(len(y), generator=gen) * ranges[y, 1]).long()
        img_emb, txt_emb, scale = model(x, tokens[pick])
        loss = label_aware_clip_loss(img_emb, txt_emb, y, scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if progress and step % 20 == 0:
            progress("backdoor fine-tune", step + 1, recipe.steps, {"loss": loss.item()})
    model.eval()
    cfg = json.loads((Path(demo_clip_folder) / CONFIG_NAME).read_text(encoding="utf-8"))["model_cfg"]
    return save_clip_folder(
        model, cfg, base.spec, out, half=True, name="backdoored demo CLIP (test fixture, never deploy)",
        fixture="backdoor", base_model_sha256=base.sha256, triggers=[BADNET.name, BLENDED.name],
        target="good <part>", poisoned_pairs=int((kind > 0).sum()), recipe=recipe.as_dict(),
        generator_version=GENERATOR_VERSION, training_seconds=round(time.monotonic() - started, 1),
    )
