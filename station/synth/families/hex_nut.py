"""A hex nut in zinc or brass: six flats, a chamfer circle, threads; its own defect is a corner broken off."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import blend, disc, line_mask, metal, poly, radius, scale


def _hexagon(cx, cy, corner, angle) -> np.ndarray:
    k = np.arange(6)
    return np.stack(
        [cx + corner * np.cos(angle + k * math.pi / 3), cy + corner * np.sin(angle + k * math.pi / 3)],
        axis=1,
    )


def draw(rng, n, cx, cy, s, angle, condition):
    ro = 0.36 * s
    pts = _hexagon(cx, cy, ro, angle + rng.uniform(0, math.pi / 3))
    chip_edge = None
    if condition == "chipped":  # one corner broken off
        i = rng.integers(6)
        p, a, b = pts[i], pts[(i - 1) % 6], pts[(i + 1) % 6]
        t1, t2 = rng.uniform(0.62, 0.78), rng.uniform(0.62, 0.78)
        chip = [p + t1 * (a - p), p + 0.5 * (t1 + t2) * ((a + b) / 2 - p) * 0.6, p + t2 * (b - p)]
        pts = np.concatenate([pts[:i], np.array(chip), pts[i + 1 :]])
        chip_edge = np.array(chip)
    hole = ro * rng.uniform(0.42, 0.5)
    mask = np.clip(poly(n, pts) - disc(n, cx, cy, hole), 0, 1)
    tint = (1.0, 1.0, 1.0) if rng.random() < 0.6 else (1.0, 0.88, 0.6)  # zinc or brass
    surface = metal(rng, n, cx, cy, ro, tint)
    r = radius(n, cx, cy)
    scale(surface, 1.0 + 0.12 * (np.abs(r - ro * 0.88) < 0.015 * s))  # chamfer circle
    threads = (r < hole * 1.25) & (np.sin(r * n * 1.1) > 0.3)
    scale(surface, 1.0 - 0.3 * threads)
    if chip_edge is not None:
        # the fracture face: a rough, dull grey band along the break, unlike machined metal
        blend(surface, line_mask(n, chip_edge, 0.075 * s) * mask, (0.36, 0.34, 0.31))
    return mask, surface, (hole, ro)
