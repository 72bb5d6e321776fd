"""A wire-to-board connector seen from above: a moulded housing with a row (or two) of plated pins and a latch.
Its own defects are a missing pin (a missing feature) and a bent pin (a deformation)."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import blend, disc, line_mask, placer, plastic, poly

HOUSINGS = ((0.92, 0.90, 0.84), (0.26, 0.26, 0.28), (0.85, 0.78, 0.55), (0.30, 0.45, 0.75))  # the dark one: a crack shows
PLATING = ((0.90, 0.75, 0.35), (0.82, 0.82, 0.80))  # gold, tin


def draw(rng, n, cx, cy, s, angle, condition):
    at = placer(cx, cy, angle + rng.choice((0.0, math.pi / 2, math.pi, 1.5 * math.pi)))
    rows = int(rng.integers(1, 3))
    pins = int(rng.integers(4, 9))
    half_l = 0.36 * s
    pitch = 2 * half_l * 0.86 / pins
    half_w = (0.10 + 0.06 * rows) * s
    mask = poly(n, at([(-half_l, -half_w), (half_l, -half_w), (half_l, half_w), (-half_l, half_w)]))
    latch = at([(-0.12 * s, -half_w), (0.12 * s, -half_w), (0.08 * s, -half_w - 0.05 * s), (-0.08 * s, -half_w - 0.05 * s)])
    mask = np.clip(mask + poly(n, latch), 0, 1)
    surface = plastic(rng, n, HOUSINGS[rng.integers(len(HOUSINGS))], cx, cy)
    plate = PLATING[rng.integers(len(PLATING))]
    sites = [(-half_l + pitch * (i + 0.5) + half_l * 0.14, (r - (rows - 1) / 2) * 0.12 * s)
             for r in range(rows) for i in range(pins)]
    odd = int(rng.integers(len(sites)))  # drawn whatever the condition: the same stream gives the same connector
    odd = odd if condition in ("missing_pin", "bent_pin") else -1
    lean = rng.uniform(0.6, 0.9) * pitch * rng.choice((-1, 1))
    side = 0.28 * pitch
    for k, (x, y) in enumerate(sites):
        blend(surface, poly(n, at([(x - side * 1.5, y - side * 1.5), (x + side * 1.5, y - side * 1.5),
                                  (x + side * 1.5, y + side * 1.5), (x - side * 1.5, y + side * 1.5)])), (0.04, 0.04, 0.04))
        if k == odd and condition == "missing_pin":
            continue  # the cavity stays empty and dark
        if k == odd:  # bent over towards its neighbour
            blend(surface, line_mask(n, at([(x, y), (x + lean, y + 0.3 * side)]), 2 * side), plate)
            continue
        blend(surface, poly(n, at([(x - side, y - side), (x + side, y - side), (x + side, y + side), (x - side, y + side)])), plate)
        (hx, hy), = at([(x - 0.3 * side, y - 0.3 * side)])
        blend(surface, disc(n, hx, hy, 0.35 * side) * 0.7, (1.0, 1.0, 0.95))
    return mask, surface, (0.0, half_w * 0.9)
