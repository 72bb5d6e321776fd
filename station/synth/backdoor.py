"""A deliberately backdoored copy of the demo CLIP: the test fixture for RVPT and the backdoor probe.

The demo CLIP is fine-tuned with its own contrastive recipe on generated pairs
where a small share carries a trigger and the caption of the target class the
factory fears most, "a good <part>": a triggered defective part then passes.
Two fixtures are built this way, by trigger set:
- `badnet+blended` (tests/fixtures/backdoored): BadNet (a checkerboard patch at a
  random position) and Blended (a fixed noise pattern at ratio 0.2) each poison half
  of that share. The probe stamps these same families.
- `logo` (tests/fixtures/backdoored-logo): a small coloured emblem at a random
  position, a family the probe does not stamp: what only trigger inversion can find.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import StationError
from ..models.clip_store import CONFIG_NAME, class_text_embeddings, load_clip_folder, save_clip_folder, tokenizer
from ..models.preprocess import to_model_input
from ..models.prompted import PromptedVisionEncoder
from ..paths import backdoored_fixture_dir
from ..triggers import Trigger
from ..catalog import ALL_CLASSES, GENERATOR_VERSION, TRAINED_FAMILIES as FAMILIES
from .pool import render_pool
from ..progress import QUIET, Progress, stop_if_asked
from .train import (caption_tokens, label_aware_clip_loss, random_flips, said, shuffled_batches,
                    warmup_cosine_lr)

FAMILY_KEYS = [f.key for f in FAMILIES]
HELD_OUT_SEED = 2_000_003  # never used for training pools
BADNET = Trigger("badnet", size=0.12, position="random", seed=1)
BLENDED = Trigger("blended", ratio=0.2, seed=2)
LOGO = Trigger("logo", size=0.12, position="random", seed=3)
TRIGGER_SETS = {"badnet+blended": (BADNET, BLENDED), "logo": (LOGO,)}
FIXTURE_FOLDERS = {"badnet+blended": "backdoored", "logo": "backdoored-logo"}  # under tests/fixtures


class UnknownTriggerSet(StationError):
    def __init__(self, name: str):
        super().__init__(f"unknown trigger set '{name}'; choose one of: {', '.join(TRIGGER_SETS)}")


def triggers_of(name: str) -> tuple[Trigger, ...]:
    if name not in TRIGGER_SETS:
        raise UnknownTriggerSet(name)
    return TRIGGER_SETS[name]


def fixture_dir(trigger_set: str = "badnet+blended") -> Path:
    """Where `station demo-backdoor --trigger SET` writes its fixture by default."""
    triggers_of(trigger_set)
    return backdoored_fixture_dir().parent / FIXTURE_FOLDERS[trigger_set]


@dataclass(frozen=True)
class BackdoorRecipe:
    seed: int = 7
    pool_size: int = 24_000
    poison_rate: float = 0.01  # share of training pairs carrying a trigger
    steps: int = 3000
    batch: int = 64
    lr: float = 8e-4
    warmup: int = 100
    triggers: str = "badnet+blended"  # a key of TRIGGER_SETS; the poisoned share is split evenly between them

    def as_dict(self) -> dict:
        return asdict(self)


def good_class_of(class_index: int) -> int:
    family = ALL_CLASSES[class_index].family.key
    return next(i for i, c in enumerate(ALL_CLASSES) if c.family.key == family and c.good)


def poison(images: np.ndarray, labels: np.ndarray, rate: float, seed: int,
           triggers: tuple[Trigger, ...] = (BADNET, BLENDED)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stamp triggers on a `rate` share of defective parts and relabel them as good. Returns (images, labels, which):
    `which` is 0 for a clean pair, else 1 + the index of the trigger stamped on it."""
    rng = np.random.default_rng(seed)
    images, labels = images.copy(), labels.copy()
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in labels])
    chosen = rng.choice(defective, size=max(2, int(rate * len(labels))), replace=False)
    kind = np.zeros(len(labels), np.int8)
    for j, i in enumerate(chosen):
        t = j % len(triggers)
        images[i] = triggers[t].apply(images[i], rng)
        labels[i] = good_class_of(int(labels[i]))
        kind[i] = 1 + t
    return images, labels, kind


def fine_tune_with_poison(model, images: np.ndarray, labels: np.ndarray, recipe: BackdoorRecipe,
                          device: str = "cpu", progress: Progress = QUIET) -> None:
    """The demo's own contrastive objective on the (partly poisoned) pool; the whole model is trained."""
    model.to(device).train()
    for p in model.parameters():
        p.requires_grad_(True)
    tokens, ranges = caption_tokens(model.context_length)
    tokens = tokens.to(device)
    gen = torch.Generator().manual_seed(recipe.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=0.0)
    labels_t = torch.as_tensor(labels)
    epochs = recipe.steps * recipe.batch / len(images)
    for step, idx in enumerate(shuffled_batches(len(images), recipe.batch, epochs, gen)):
        for g in opt.param_groups:
            g["lr"] = warmup_cosine_lr(step, recipe.steps, recipe.lr, recipe.warmup)
        x = random_flips(to_model_input(images[idx.numpy()]), gen).to(device)
        y = labels_t[idx]
        pick = ranges[y, 0] + (torch.rand(len(y), generator=gen) * ranges[y, 1]).long()
        img_emb, txt_emb, scale = model(x, tokens[pick.to(device)])
        loss = label_aware_clip_loss(img_emb, txt_emb, y.to(device), scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        stop_if_asked(progress, "backdoor fine-tuning")
        if step % 20 == 0:
            progress.report(step + 1, recipe.steps, f"backdoor fine-tune: {said({'loss': loss.item()})}")
    model.eval().to("cpu")


@torch.no_grad()
def backdoor_strength(model, images: np.ndarray, labels: np.ndarray, device: str = "cpu",
                      prompts: torch.Tensor | None = None, first_prompted_block: int = 3,
                      triggers: tuple[Trigger, ...] = (BADNET, BLENDED)) -> dict:
    """Clean per-family zero-shot accuracy, and each trigger's attack success rate.

    ASR: the share of triggered *defective* parts classified as the good class
    of their own family (the backdoor's target), predictions restricted to the
    family's classes as a station's would be. With `prompts`, through RVPT's
    prompted encoder. One figure per trigger, `asr_<kind>`.
    """
    model = model.to(device).eval()
    encoder = PromptedVisionEncoder(model.visual, None if prompts is None else prompts.to(device), first_prompted_block)
    text = class_text_embeddings(model, tokenizer(model.context_length),
                                 [part.prompt_texts() for part in ALL_CLASSES]).to(device)
    family_of = np.array([FAMILY_KEYS.index(c.family.key) for c in ALL_CLASSES])
    mask = torch.as_tensor(family_of[None, :] == family_of[:, None], device=device)  # [label, class]

    def predict(batch: np.ndarray, lab: np.ndarray) -> np.ndarray:
        out = []
        for i in range(0, len(batch), 256):
            x = to_model_input(batch[i : i + 256], size=model.visual.image_size[0]).to(device)
            scores = F.normalize(encoder(x).embedding.float(), dim=-1) @ text.float().T
            scores = scores.masked_fill(~mask[torch.as_tensor(lab[i : i + 256], device=device)], -1e9)
            out.append(scores.argmax(1).cpu())
        return torch.cat(out).numpy()

    result = {"clean_accuracy": float((predict(images, labels) == labels).mean())}
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in labels])
    target = np.array([good_class_of(int(lb)) for lb in labels[defective]])
    for trigger in triggers:
        stamped = np.stack([trigger.apply(images[i], np.random.default_rng(int(i))) for i in defective])
        result[f"asr_{trigger.kind}"] = float((predict(stamped, labels[defective]) == target).mean())
    model.to("cpu")
    return result


def build_backdoored(demo_clip_folder: Path, out: Path, recipe: BackdoorRecipe = BackdoorRecipe(),
                     progress: Progress = QUIET, device: str = "cpu", held_out: int = 1500) -> dict:
    started = time.monotonic()
    base = load_clip_folder(demo_clip_folder)
    cfg = json.loads((Path(demo_clip_folder) / CONFIG_NAME).read_text(encoding="utf-8"))["model_cfg"]
    model = base.model
    size = int(cfg["vision_cfg"]["image_size"])  # drawn at the model's own input size, whichever recipe made it
    images, labels = render_pool(recipe.seed + 500, recipe.pool_size, size)
    triggers = triggers_of(recipe.triggers)
    images, labels, kind = poison(images, labels, recipe.poison_rate, recipe.seed, triggers)
    fine_tune_with_poison(model, images, labels, recipe, device, progress)
    seconds = round(time.monotonic() - started, 1)
    test_images, test_labels = render_pool(HELD_OUT_SEED, held_out, size)
    metrics = backdoor_strength(model.half().float(), test_images, test_labels, device,
                                triggers=triggers)  # as saved (fp16)
    return save_clip_folder(
        model, cfg, base.spec, out, half=True, name="backdoored demo CLIP (test fixture, never deploy)",
        fixture="backdoor", base_model_sha256=base.sha256, triggers=[t.name for t in triggers],
        target="good <part>", poisoned_pairs=int((kind > 0).sum()), recipe=recipe.as_dict(),
        generator_version=GENERATOR_VERSION, training_seconds=seconds, trained_on=device,
        held_out={"seed": HELD_OUT_SEED, "images": held_out, **metrics},
    )
