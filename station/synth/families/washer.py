"""A flat washer: a ring of machined metal; its own defect is a dent bitten into the rim."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import disc, metal, radius, scale


def draw(rng, n, cx, cy, s, angle, condition):
    ro = 0.34 * s
    ri = ro * rng.uniform(0.40, 0.48)
    mask = disc(n, cx, cy, ro) - disc(n, cx, cy, ri)
    if condition == "dent":  # a bite pushed into the outer rim
        a = rng.uniform(0, 2 * math.pi)
        br = ro * rng.uniform(0.34, 0.42)
        d = ro + br * 0.2
        bite = disc(n, cx + d * math.cos(a), cy + d * math.sin(a), br)
        mask = np.clip(mask - bite, 0, 1)
    tint = (1.0, 1.0, 1.0) if rng.random() < 0.7 else (1.0, 0.93, 0.78)
    surface = metal(rng, n, cx, cy, ro, tint)
    r = radius(n, cx, cy)
    scale(surface, 1.0 - 0.25 * np.exp(-((r - ro) / (0.03 * s)) ** 2))  # chamfer
    scale(surface, 1.0 - 0.25 * np.exp(-((r - ri) / (0.025 * s)) ** 2))
    return np.clip(mask, 0, 1), surface, (ri, ro)
