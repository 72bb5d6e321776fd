"""Choosing D, b, alpha and when to stop from the station's own clean shots.

A station never sees its backdoor's trigger, so it cannot measure attack success. What it can
measure, on shots held out from tuning, is the price (clean accuracy against the frozen
model's) and the repelling (how far the prompted class tokens moved from the frozen ones).
The rule: among every (recipe, epoch) whose held-out accuracy stays within `budget` of the
frozen model's, keep the one that repels most; if none does, the most accurate. A recipe's
tuning stops once its held-out accuracy has stayed below the budget for `patience` epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..models.clip_store import LoadedClip
from ..models.preprocess import to_model_input
from ..models.prompted import PromptedVisionEncoder
from .recipe import DEFAULT_GRID
from .rvpt import RvptRecipe, tune_prompts
from ..messages import Message
from ..progress import QUIET, Callbacks, Progress
from ..errors import InvalidInput


@dataclass(frozen=True)
class HeldOut:
    accuracy: float
    repelling: float  # mean cosine of prompted vs frozen class tokens over prompted blocks (lower: more repelled)


@dataclass
class Selection:
    recipe: RvptRecipe
    prompts: torch.Tensor
    epoch: int
    held_out: HeldOut
    frozen_accuracy: float
    within_budget: bool
    tried: list[dict]  # one row per recipe: its best epoch, figures and prompts


def split_held_out(labels: list[int], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Per class, `share` of the shots (at least one) held out; the rest tune."""
    rng = np.random.default_rng(seed)
    tune, held = [], []
    for c in sorted(set(labels)):
        idx = [i for i, lb in enumerate(labels) if lb == c]
        rng.shuffle(idx)
        k = max(1, round(len(idx) * share))
        held += idx[:k]
        tune += idx[k:]
    return sorted(tune), sorted(held)


class HeldOutJudge:
    """Held-out shots judged with a set of prompts, as every epoch of every recipe asks. What prompts cannot change
    is computed once: the frozen encoder's accuracy and class tokens, and for each D the tokens entering block D."""

    @torch.no_grad()
    def __init__(self, clip: LoadedClip, class_text: torch.Tensor, x: torch.Tensor, y: torch.Tensor):
        self.encoder = PromptedVisionEncoder(clip.model.visual, None, 0)
        self.text = F.normalize(class_text.float(), dim=-1)
        self.x, self.y = x, y
        frozen = self.encoder(x, use_prompts=False, return_block_cls=True)
        self.frozen_accuracy = self._accuracy(frozen.embedding)
        self._frozen_cls = [c.float() for c in frozen.block_cls]
        self._prefix: dict[int, torch.Tensor] = {}

    def _accuracy(self, embedding: torch.Tensor) -> float:
        return float(((embedding.float() @ self.text.T).argmax(1) == self.y).float().mean())

    @torch.no_grad()
    def __call__(self, prompts: torch.Tensor, first_prompted_block: int) -> HeldOut:
        enc = self.encoder
        enc.set_prompts(None, first_prompted_block)
        if first_prompted_block not in self._prefix:
            self._prefix[first_prompted_block] = enc.prefix(self.x)
        enc.set_prompts(prompts)
        out = enc.forward_from_prefix(self._prefix[first_prompted_block], return_block_cls=True)
        cos = [F.cosine_similarity(cls.float(), self._frozen_cls[i], dim=-1).mean()
               for i, cls in enumerate(out.block_cls, start=first_prompted_block)]
        return HeldOut(self._accuracy(out.embedding), float(torch.stack(cos).mean()))


def select_recipe(clip: LoadedClip, class_text: torch.Tensor, images: list[np.ndarray], labels: list[int],
                  base: RvptRecipe = RvptRecipe(), grid=DEFAULT_GRID, budget: float = 0.02,
                  held_out_share: float = 0.25, patience: int = 8,
                  progress: Progress = QUIET) -> Selection:
    tune_idx, held_idx = split_held_out(labels, held_out_share, base.seed)
    x_held = to_model_input([images[i] for i in held_idx], clip.spec.mean, clip.spec.std, size=clip.image_size)
    y_held = torch.as_tensor([labels[i] for i in held_idx])
    judge = HeldOutJudge(clip, class_text, x_held, y_held)
    frozen = judge.frozen_accuracy
    floor = frozen - budget
    best: Selection | None = None
    tried = []

    def better(h: HeldOut, than: Selection | None) -> bool:
        if than is None:
            return True
        ok, was_ok = h.accuracy >= floor, than.within_budget
        if ok != was_ok:
            return ok
        return h.repelling < than.held_out.repelling if ok else h.accuracy > than.held_out.accuracy

    for depth, tokens, alpha in grid:
        if depth >= clip.model.visual.transformer.layers:
            continue
        recipe = replace(base, first_prompted_block=depth, tokens_per_block=tokens, alpha=alpha)
        state = {"best": None, "below": 0}

        def epoch_end(epoch: int, prompts: torch.Tensor, _metrics: dict, recipe=recipe, state=state) -> bool:
            nonlocal best
            h = judge(prompts, recipe.first_prompted_block)
            snapshot = Selection(recipe, prompts.clone().cpu(), epoch, h, frozen, h.accuracy >= floor, tried)
            if better(h, state["best"]):
                state["best"] = snapshot
            if better(h, best):
                best = snapshot
            state["below"] = 0 if h.accuracy >= floor else state["below"] + 1
            return state["below"] >= patience

        tune_prompts(clip, class_text, [images[i] for i in tune_idx], [labels[i] for i in tune_idx], recipe,
                     progress=Callbacks(should_stop=progress.should_stop), epoch_end=epoch_end)  # one report a recipe
        b = state["best"]
        tried.append({"D": depth, "b": tokens, "alpha": alpha, "epoch": b.epoch, "held_out_accuracy": b.held_out.accuracy,
                      "repelling": b.held_out.repelling, "within_budget": b.within_budget, "prompts": b.prompts})
        progress.report(len(tried), len(grid), Message("prompts.recipe", depth=depth, tokens=tokens, alpha=alpha, epoch=b.epoch,
                             accuracy=b.held_out.accuracy, frozen=frozen, repelling=b.held_out.repelling))
    if best is None:
        raise InvalidInput("no recipe in the grid fits this encoder")
    best.tried = tried
    return best
