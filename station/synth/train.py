"""Training of the bundled demo models on generated parts.

The CLIP is trained contrastively on image-caption pairs. Captions of the same
class count as positives for each other (a label-aware contrastive loss, as in
UniCL): with only fifteen classes, a batch holds many same-class pairs, and
treating them as negatives would fight the very grouping zero-shot needs.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from open_clip.model import CLIP

from ..models.clip_store import tokenizer
from ..models.cnn import PartCNN
from ..models.preprocess import to_model_input
from ..catalog import ALL_CLASSES, SEEN_KEYS, TRAINED_KEYS, PartClass, captions, classes_of
from ..progress import QUIET, Progress, stop_if_asked
from .run_state import Checkpoints


def said(metrics: dict) -> str:
    """Training figures as a progress line: loss=0.412 elapsed_s=12.3 ..."""
    return " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items())


@dataclass(frozen=True)
class DemoRecipe:
    seed: int = 0
    image_size: int = 64
    pool_size: int = 150_000  # distinct rendered training images
    clip_epochs: float = 2.25
    clip_batch: int = 64
    clip_lr: float = 2e-3
    clip_warmup: int = 300
    monitor_every: int = 500  # steps between held-out checks during CLIP training
    weight_decay: float = 0.05
    vision_width: int = 128
    vision_layers: int = 6
    vision_head_width: int = 32
    patch_size: int = 8
    text_width: int = 128
    text_layers: int = 3
    text_heads: int = 4
    context_length: int = 32
    embed_dim: int = 128
    cnn_width: int = 16
    cnn_epochs: float = 1.0
    cnn_batch: int = 128
    cnn_lr: float = 2e-3
    heldout_size: int = 1500
    families: tuple[str, ...] = TRAINED_KEYS  # what it learns from (catalog.classes_of): its classes, in order
    kind_captions: bool = False  # captions that name the defect's kind too (catalog.captions)

    @classmethod
    def wide(cls, seed: int = 0) -> "DemoRecipe":
        """The wider demo foundation model: every family but the unseen ones, at 128 px in 16 px patches (the same
        64 tokens as 64 px in 8 px patches, so a thin scratch is 4 px wide instead of 2 for the same compute).
        Towers 128 wide: on 2 cores, twice the steps of 192-wide towers learn more in the same time (README)."""
        return cls(seed=seed, families=SEEN_KEYS, kind_captions=True, image_size=128, patch_size=16, pool_size=150_000,
                   clip_epochs=4.0, clip_batch=128, clip_lr=1e-3, clip_warmup=500, monitor_every=250, vision_width=128,
                   vision_head_width=32, embed_dim=128, text_width=128, cnn_width=24, cnn_epochs=1.0)

    @classmethod
    def check_b_start(cls, seed: int = 0) -> "DemoRecipe":
        """The start of every product's check B: a part CNN as wide as a product's (16), at a product's input size
        (128 px), on every family but the unseen ones. More kinds of parts, not more width, is what lifts check B
        on a part it never saw (README "Putting your own part on the station"). CNN only: no CLIP takes part."""
        return cls(seed=seed, families=SEEN_KEYS, image_size=128, pool_size=60_000, cnn_width=16, cnn_epochs=1.5)

    @property
    def classes(self) -> tuple[PartClass, ...]:
        return classes_of(self.families)

    @property
    def heldout_seed(self) -> int:
        """A stream never drawn from in training."""
        return 1_000_003 + self.seed

    def as_dict(self) -> dict:
        return asdict(self)

    def clip_model_cfg(self) -> dict:
        return {
            "embed_dim": self.embed_dim,
            "vision_cfg": {
                "image_size": self.image_size,
                "layers": self.vision_layers,
                "width": self.vision_width,
                "head_width": self.vision_head_width,
                "patch_size": self.patch_size,
            },
            "text_cfg": {
                "context_length": self.context_length,
                "vocab_size": 49408,
                "width": self.text_width,
                "heads": self.text_heads,
                "layers": self.text_layers,
            },
        }


def random_flips(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    flip_h = torch.rand(x.shape[0], generator=gen) < 0.5
    flip_v = torch.rand(x.shape[0], generator=gen) < 0.5
    x = torch.where(flip_h.view(-1, 1, 1, 1), x.flip(3), x)
    return torch.where(flip_v.view(-1, 1, 1, 1), x.flip(2), x)


def warmup_cosine_lr(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def shuffled_batches(n: int, batch: int, epochs: float, gen: torch.Generator):
    """Indices of shuffled batches over `epochs` passes of n items."""
    for _, idx in BatchOrder(n, batch, epochs, gen):
        yield idx


class BatchOrder:
    """(step, indices) of shuffled batches over `epochs` passes of n items, drawn from `gen`; `state()` with
    the generator's state resumes the sequence exactly where it was."""

    def __init__(self, n: int, batch: int, epochs: float, gen: torch.Generator):
        self.n, self.batch, self.gen = n, batch, gen
        self.total = _steps(n, batch, epochs)
        self.order, self.pos, self.step = torch.randperm(n, generator=gen), 0, 0

    def __iter__(self):
        while self.step < self.total:
            if self.pos + self.batch > self.n:
                self.order, self.pos = torch.randperm(self.n, generator=self.gen), 0
            idx = self.order[self.pos : self.pos + self.batch]
            self.pos += self.batch
            self.step += 1
            yield self.step - 1, idx

    def state(self) -> dict:
        return {"order": self.order, "pos": self.pos, "step": self.step}

    def restore(self, state: dict) -> None:
        self.order, self.pos, self.step = state["order"], int(state["pos"]), int(state["step"])


def _resume(saved: Checkpoints | None, model, opt, gen: torch.Generator, batches: BatchOrder) -> None:
    """Continue from the part's newest checkpoint, if it has one."""
    state = saved.latest() if saved else None
    if state is None:
        return
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    gen.set_state(state["gen"])
    torch.set_rng_state(state["rng"])
    batches.restore(state["batches"])


def _checkpoint(saved: Checkpoints | None, model, opt, gen: torch.Generator, batches: BatchOrder) -> None:
    """Save after a whole step (every `RunState.every_s`), so a resumed run repeats nothing."""
    if saved and saved.due():
        saved.save({"model": model.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(),
                    "rng": torch.get_rng_state(), "batches": batches.state()})


def _steps(n: int, batch: int, epochs: float) -> int:
    return max(1, int(n * epochs) // batch)


def caption_tokens(context_length: int, classes: tuple[PartClass, ...] | None = None, kinds: bool = False,
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """All training captions of `classes` (the bundled models' by default; with `kinds`, naming defect kinds too)
    tokenised, and for each class the row range of its captions."""
    tok = tokenizer(context_length)
    texts, ranges = [], []
    for part in classes or ALL_CLASSES:
        caps = captions(part, kinds)
        ranges.append((len(texts), len(caps)))
        texts.extend(caps)
    return tok(texts), torch.tensor(ranges)


def label_aware_clip_loss(image_emb, text_emb, labels, logit_scale) -> torch.Tensor:
    logits = logit_scale * image_emb @ text_emb.T
    same = (labels[:, None] == labels[None, :]).float()
    target = same / same.sum(1, keepdim=True)
    loss_i = -(target * logits.log_softmax(1)).sum(1).mean()
    loss_t = -(target * logits.T.log_softmax(1)).sum(1).mean()
    return 0.5 * (loss_i + loss_t)


def train_clip(
    recipe: DemoRecipe,
    images: np.ndarray,
    labels: np.ndarray,
    progress: Progress = QUIET,
    monitor: Callable[[CLIP], dict] | None = None,
    saved: Checkpoints | None = None,
) -> CLIP:
    """`monitor(model)` is called every `recipe.monitor_every` steps; its figures join the progress. With `saved`,
    a finished or interrupted earlier run of the same recipe is taken up (station.synth.run_state)."""
    torch.manual_seed(recipe.seed)
    gen = torch.Generator().manual_seed(recipe.seed)
    model = CLIP(**recipe.clip_model_cfg())
    if saved and (weights := saved.finished()) is not None:
        model.load_state_dict(weights)
        return model.eval()
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": recipe.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=recipe.clip_lr,
        betas=(0.9, 0.98),
    )
    tokens, ranges = caption_tokens(recipe.context_length, recipe.classes, recipe.kind_captions)
    labels_t = torch.as_tensor(labels)
    batches = BatchOrder(len(images), recipe.clip_batch, recipe.clip_epochs, gen)
    total = batches.total
    _resume(saved, model, opt, gen, batches)
    model.train()
    t0 = time.monotonic()
    for step, idx in batches:
        stop_if_asked(progress, "demo CLIP training")
        for g in opt.param_groups:
            g["lr"] = warmup_cosine_lr(step, total, recipe.clip_lr, recipe.clip_warmup)
        x = random_flips(to_model_input(images[idx.numpy()]), gen)
        y = labels_t[idx]
        start, count = ranges[y, 0], ranges[y, 1]
        pick = start + (torch.rand(len(y), generator=gen) * count).long()
        image_emb, text_emb, logit_scale = model(x, tokens[pick])
        loss = label_aware_clip_loss(image_emb, text_emb, y, logit_scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        _checkpoint(saved, model, opt, gen, batches)
        if step % 20 == 0 or step == total - 1:
            metrics = {"loss": loss.item(), "elapsed_s": time.monotonic() - t0}
            if monitor and step > 0 and (step % recipe.monitor_every == 0 or step == total - 1):
                model.eval()
                metrics.update(monitor(model))
                model.train()
            progress.report(step + 1, total, f"clip: {said(metrics)}")
    model.eval()
    if saved:
        saved.finish(model.state_dict())
    return model


def train_cnn(
    recipe: DemoRecipe,
    images: np.ndarray,
    labels: np.ndarray,
    progress: Progress = QUIET,
    saved: Checkpoints | None = None,
) -> PartCNN:
    torch.manual_seed(recipe.seed + 1)
    gen = torch.Generator().manual_seed(recipe.seed + 1)
    model = PartCNN(len(recipe.classes), recipe.cnn_width, recipe.image_size)
    if saved and (weights := saved.finished()) is not None:
        model.load_state_dict(weights)
        return model.eval()
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.cnn_lr, weight_decay=1e-4)
    labels_t = torch.as_tensor(labels)
    batches = BatchOrder(len(images), recipe.cnn_batch, recipe.cnn_epochs, gen)
    total = batches.total
    _resume(saved, model, opt, gen, batches)
    model.train()
    t0 = time.monotonic()
    for step, idx in batches:
        stop_if_asked(progress, "demo CNN training")
        for g in opt.param_groups:
            g["lr"] = warmup_cosine_lr(step, total, recipe.cnn_lr, 50)
        x = random_flips(to_model_input(images[idx.numpy()]), gen)
        loss = F.cross_entropy(model(x), labels_t[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        _checkpoint(saved, model, opt, gen, batches)
        if step % 20 == 0 or step == total - 1:
            progress.report(step + 1, total, f"cnn: {said({'loss': loss.item(), 'elapsed_s': time.monotonic() - t0})}")
    model.eval()
    if saved:
        saved.finish(model.state_dict())
    return model
