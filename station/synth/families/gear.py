"""A spur gear seen from above: teeth around its rim, a bore with a keyway, lightening holes. Its own defect is a
broken tooth (a missing feature)."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import disc, metal, poly, radius, scale

TINTS = ((1.0, 1.0, 1.0), (1.0, 0.9, 0.65), (0.55, 0.55, 0.58))  # steel, brass, black oxide


def draw(rng, n, cx, cy, s, angle, condition):
    teeth = int(rng.integers(14, 22))
    r_root, r_tip = 0.31 * s, 0.36 * s
    broken = int(rng.integers(teeth))  # drawn whatever the condition: the same stream gives the same gear
    broken = broken if condition == "missing_tooth" else -1
    outline = []
    turn = angle + rng.uniform(0, 2 * math.pi / teeth)
    for k in range(teeth):
        a = turn + 2 * math.pi * k / teeth
        step = 2 * math.pi / teeth
        tip = r_root + 0.25 * (r_tip - r_root) if k == broken else r_tip  # a stub where the tooth broke off
        for frac, r in ((0.0, r_root), (0.18, tip), (0.45, tip), (0.63, r_root)):
            outline.append((cx + r * math.cos(a + frac * step), cy + r * math.sin(a + frac * step)))
    mask = poly(n, np.array(outline))
    bore = rng.uniform(0.07, 0.09) * s
    mask = mask - disc(n, cx, cy, bore)
    key = np.array([(cx + r * math.cos(turn + d), cy + r * math.sin(turn + d))  # the keyway: a notch in the bore
                    for r, d in ((bore * 0.9, -0.35), (bore * 0.9, 0.35), (bore * 1.35, 0.25), (bore * 1.35, -0.25))])
    mask = mask - poly(n, key)
    holes = int(rng.integers(0, 7)) if rng.random() < 0.6 else 0
    for k in range(holes if holes >= 3 else 0):
        a = turn + 2 * math.pi * k / holes
        mask = mask - disc(n, cx + 0.19 * s * math.cos(a), cy + 0.19 * s * math.sin(a), 0.045 * s)
    mask = np.clip(mask, 0, 1)
    surface = metal(rng, n, cx, cy, r_tip, TINTS[rng.integers(len(TINTS))])
    r = radius(n, cx, cy)
    scale(surface, 1.0 - 0.18 * (np.abs(r - r_root * 0.9) < 0.008 * s))  # the hub's shoulder
    return mask, surface, (bore * 1.5, r_root * 0.85)
