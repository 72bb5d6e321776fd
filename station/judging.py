"""Frames -> the gate's word, both checks' opinions and the policy's decision, nothing recorded.

One place for what a frame's verdict depends on: the live pipeline, the self-tests and a product's acceptance
report (which runs its held-out photos through a product that is not live yet) all judge through `Judge`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .decision import Decision, Opinion, decide
from .models.preprocess import resize_square, to_model_input


@dataclass(frozen=True)
class Opinions:
    a: list[Opinion]
    b: list[Opinion]
    part_in_view: list[bool]  # the input gate's word (True for every frame with the gate off)
    unusual_b: list[bool]  # check B found the part unlike every good part it learned (False: it has no such score)


def preprocess(frames: list[np.ndarray], models) -> dict[tuple, torch.Tensor]:
    """One input tensor per distinct (size, mean, std) among `models`; each frame resized once per size."""
    tensors, resized = {}, {}
    for m in models:
        key = (m.image_size, tuple(m.mean), tuple(m.std))
        if key in tensors:
            continue
        if m.image_size not in resized:
            resized[m.image_size] = np.stack([resize_square(f, m.image_size) for f in frames])
        tensors[key] = to_model_input(resized[m.image_size], m.mean, m.std)
    return tensors


def _opinions(probs: torch.Tensor, keys: list[str]) -> list[Opinion]:
    conf, idx = probs.max(dim=1)
    return [Opinion(keys[i], float(c)) for c, i in zip(conf.tolist(), idx.tolist())]


@dataclass(frozen=True)
class Judge:
    check_a: object  # station.models.zero_shot.ZeroShotCheck
    check_b: object  # a station.models.second_check.SecondCheck
    gate: object | None  # station.gate: InputGate or ClosedGate; None when the gate is off
    keys: list[str]
    good: dict[str, bool]
    conf_a: float
    conf_b: float

    def opinions(self, images: list[np.ndarray]) -> Opinions:
        a, b = self.check_a, self.check_b
        tensors = preprocess(images, (a, b))
        xa = tensors[(a.image_size, tuple(a.mean), tuple(a.std))]
        embeddings = a.embed(xa)
        xb = tensors[(b.image_size, tuple(b.mean), tuple(b.std))]
        if self.gate is not None:
            # the bank holds the frozen encoder's embeddings (one run without the prompts when they are active), or
            # a product's prompted ones, sealed with its prompts: then check A's own, and the encoder runs once
            rerun = a.encoder.prompts is not None and getattr(self.gate, "wants_bare_features", True)
            parts = [g.ok for g in self.gate.check(a.embed(xa, use_prompts=False) if rerun else embeddings, images)]
        else:
            parts = [True] * len(images)
        assess = getattr(b, "assess", None)
        probs_b, unusual = assess(xb) if assess else (b.probabilities(xb), [False] * len(images))
        return Opinions(_opinions(a.probabilities_of(embeddings), self.keys), _opinions(probs_b, self.keys), parts,
                        list(unusual))

    def decisions_from(self, o: Opinions, i: int, manual_mode: bool = False) -> Decision:
        """The policy's decision on frame `i` of `o`."""
        return decide(o.a[i], o.b[i], self.good, self.conf_a, self.conf_b, manual_mode, o.part_in_view[i], o.unusual_b[i])

    def decisions(self, images: list[np.ndarray], manual_mode: bool = False) -> list[Decision]:
        o = self.opinions(images)
        return [self.decisions_from(o, i, manual_mode) for i in range(len(images))]
