"""The input gate at run time: one frame's two distances against the bank, and the verdict on them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .bank import ReferenceBank, kth_distance
from .layout import edge_layouts

from ..decision import NO_PART  # noqa: F401 (the reason the gate gives)


@dataclass(frozen=True)
class GateResult:
    ok: bool
    appearance: float  # k-th neighbour distance of check A's embedding
    layout: float  # k-th neighbour distance of the edge layout
    why: str = ""  # which signal failed, for the record


class InputGate:
    record_sha256: str | None = None  # the active bank record it was opened from (a newer one is picked up)

    def __init__(self, bank: ReferenceBank, neighbours: int, max_appearance: float, max_layout: float):
        self.bank = bank
        self.neighbours = neighbours
        self.max_appearance, self.max_layout = max_appearance, max_layout

    @property
    def wants_bare_features(self) -> bool:
        """Its bank holds the frozen CLIP's embeddings without prompts (a prompted product bank does not)."""
        return not self.bank.meta.prompted

    def check(self, embeddings: torch.Tensor, images: list[np.ndarray]) -> list[GateResult]:
        """embeddings: check A's unit image embeddings of the same frames (reused, not recomputed)."""
        bank = self.bank
        appearance = kth_distance(embeddings.float().cpu(), bank.embeddings, self.neighbours).tolist()
        layout = kth_distance(torch.from_numpy(edge_layouts(images)), bank.layouts, self.neighbours).tolist()
        out = []
        for a, lay in zip(appearance, layout):
            why = []
            if not (math.isfinite(a) and a <= self.max_appearance):
                why.append("unlike this station's parts")
            if not (math.isfinite(lay) and lay <= self.max_layout):
                why.append("no whole part in place")
            out.append(GateResult(not why, a, lay, ", ".join(why)))
        return out


class ClosedGate:
    """No usable bank: every frame goes to review, with the fix in the reason."""

    record_sha256: str | None = None
    wants_bare_features = False  # it reads no embeddings

    def __init__(self, why: str):
        self.why = why

    def check(self, embeddings: torch.Tensor, images: list[np.ndarray]) -> list[GateResult]:
        return [GateResult(False, math.inf, math.inf, self.why) for _ in images]
