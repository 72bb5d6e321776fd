"""A flat mounting bracket: a stamped steel plate with rounded corners and four punched holes, bare, zinc-plated or
powder-coated, lying any way round. Its own defect is a hole never punched (a missing feature). The demo models
never see it: it is the generator's part for measuring a product the foundation model does not know."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import blend, disc, metal, placer, poly

COATS = ((1.0, 1.0, 1.0), (0.92, 0.95, 1.0), (0.35, 0.45, 0.75), (0.25, 0.25, 0.27))  # bare, zinc, blue, black


def draw(rng, n, cx, cy, s, angle, condition):
    at = placer(cx, cy, angle + rng.uniform(0, math.pi))  # either way up on the belt
    half_l, half_w = 0.36 * s, rng.uniform(0.19, 0.22) * s
    corner = 0.05 * s
    outline = []
    for qx, qy in ((1, 1), (-1, 1), (-1, -1), (1, -1)):  # a rounded rectangle: each corner an arc
        ox, oy = qx * (half_l - corner), qy * (half_w - corner)
        start = math.atan2(qy, qx) - math.pi / 4
        outline += [(ox + corner * math.cos(start + t), oy + corner * math.sin(start + t))
                    for t in np.linspace(0, math.pi / 2, 5)]
    mask = poly(n, at(outline))
    holes = at([(qx * half_l * 0.72, qy * half_w * 0.5) for qx, qy in ((1, 1), (-1, 1), (-1, -1), (1, -1))])
    missing = int(rng.integers(4)) if condition == "missing_hole" else -1
    radius = rng.uniform(0.040, 0.048) * s
    for i, (hx, hy) in enumerate(holes):
        if i != missing:
            mask = mask - disc(n, hx, hy, radius)
    mask = np.clip(mask, 0, 1)
    coat = COATS[rng.integers(len(COATS))]
    surface = metal(rng, n, cx, cy, half_l, coat)
    for i, (hx, hy) in enumerate(holes):  # a punched hole leaves a bright burr ring; a missing one, a faint dimple
        ring = np.clip(disc(n, hx, hy, radius * 1.35) - disc(n, hx, hy, radius), 0, 1)
        if i == missing:
            blend(surface, disc(n, hx, hy, radius) * 0.12, (0.0, 0.0, 0.0))
        else:
            blend(surface, ring * 0.5, (0.95, 0.95, 0.92))
    return mask, surface, (0.04 * s, min(half_w, 0.2 * s))
