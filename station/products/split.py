"""Training, calibration and held-out parts of a product's photos, stratified by class.

The held-out part is never used for training or for thresholds: it is what the acceptance report measures.
Near duplicates move together, so no shot is judged by a model that trained on its twin. A defect class too
small to learn is held out whole (see `photos.MIN_PHOTOS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .photos import PhotoCheck

PARTS = ("train", "calibration", "held_out")


@dataclass
class Split:
    seed: int
    train: list[int] = field(default_factory=list)  # indices into PhotoCheck.photos
    calibration: list[int] = field(default_factory=list)
    held_out: list[int] = field(default_factory=list)
    loose: int = 0  # photos of near-duplicate groups too large to keep together (split photo by photo)

    def part(self, name: str) -> list[int]:
        return getattr(self, name)

    def counts(self, check: PhotoCheck) -> dict[str, dict[str, int]]:
        return {name: {k: sum(check.photos[i].class_key == k for i in self.part(name)) for k in check.class_keys}
                for name in PARTS}


def _units(check: PhotoCheck, key: str, split: Split) -> list[list[int]]:
    """The class's photos as units that stay together: near-duplicate groups and single photos. A group of more
    than a tenth of its class (a fixtured part looks the same every time, or one part was shot many times) cannot
    stay together without emptying a part of the split: it is split photo by photo, and the report says so."""
    members = [i for i, p in enumerate(check.photos) if p.class_key == key]
    groups = [g for g in check.groups if check.photos[g[0]].class_key == key]
    kept = [g for g in groups if len(g) <= max(2, len(members) // 10)]
    split.loose += sum(len(g) for g in groups if g not in kept)
    grouped = {i for g in kept for i in g}
    return kept + [[i] for i in members if i not in grouped]


def split_photos(check: PhotoCheck, seed: int = 0, calibration: float = 0.2, held_out: float = 0.2) -> Split:
    """Each learned class: about `held_out` and `calibration` of its photos (at least 2 each), the rest to train."""
    rng = np.random.default_rng(seed)
    split = Split(seed)
    learned = set(check.learned)
    for key in check.class_keys:
        units = _units(check, key, split)
        order = rng.permutation(len(units))
        units = [units[i] for i in order]
        if key not in learned:
            split.held_out += [i for u in units for i in u]
            continue
        total = sum(map(len, units))
        wanted = {"held_out": max(2, math.floor(total * held_out)), "calibration": max(2, math.floor(total * calibration))}
        for unit in units:
            part = next((name for name in ("held_out", "calibration")
                         if len([i for i in split.part(name) if check.photos[i].class_key == key]) < wanted[name]),
                        "train")
            split.part(part).extend(unit)
    for name in PARTS:
        split.part(name).sort()
    return split
