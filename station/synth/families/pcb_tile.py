"""A small circuit board: traces, mounting holes, a chip on its pad array; its own defect is the chip missing."""

from __future__ import annotations

import numpy as np

from ..drawing import blend, disc, line_mask, placer, poly


def draw(rng, n, cx, cy, s, angle, condition):
    half = 0.33 * s
    rot = placer(cx, cy, angle)

    mask = poly(n, rot([(-half, -half), (half, -half), (half, half), (-half, half)]))
    green = np.asarray((rng.uniform(0.05, 0.12), rng.uniform(0.35, 0.5), rng.uniform(0.15, 0.25)))
    surface = np.ones((n, n, 3), np.float32) * green.astype(np.float32)
    copper = (0.85, 0.62, 0.25)
    # traces
    for _ in range(6):
        y = rng.uniform(-0.8, 0.8) * half
        x0, x1 = sorted(rng.uniform(-0.9, 0.9, 2) * half)
        blend(surface, line_mask(n, rot([(x0, y), (x1, y)]), 0.012 * s), copper)
    # mounting holes
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        (hx, hy), = rot([(0.8 * half * sx, 0.8 * half * sy)])
        blend(surface, disc(n, hx, hy, 0.06 * s), (0.8, 0.75, 0.5))
        blend(surface, disc(n, hx, hy, 0.035 * s), (0.08, 0.08, 0.08))
    # the main chip's pad array, then the chip over it
    chip = 0.30 * half + 0.2 * half
    for k in np.linspace(-0.8, 0.8, 5):
        for side in (-1, 1):
            pad = rot([(side * chip * 1.15, k * chip), (side * chip * 0.9, k * chip)])
            blend(surface, line_mask(n, pad, 0.03 * s), (0.8, 0.8, 0.78))
    if condition != "missing_part":
        body = rot([(-chip, -chip), (chip, -chip), (chip, chip), (-chip, chip)])
        blend(surface, poly(n, body), (0.07, 0.07, 0.08))
        (dx, dy), = rot([(-0.6 * chip, -0.6 * chip)])
        blend(surface, disc(n, dx, dy, 0.02 * s), (0.35, 0.35, 0.35))
    # two small passive parts
    for k in (-0.7, 0.7):
        r = rot([(k * half - 0.06 * s, 0.7 * half), (k * half + 0.06 * s, 0.7 * half)])
        blend(surface, line_mask(n, r, 0.05 * s), (0.75, 0.6, 0.4))
    return mask, surface, (0.55 * half, half)
