"""A compression spring lying on the belt, seen from above: turns of steel wire between two closed ends. Its own
defects are a deformed spring (bowed, its turns bunched) and a broken one (a turn snapped through)."""

from __future__ import annotations

import numpy as np

from ..drawing import blend, line_mask, metal, placer

FINISHES = ((1.0, 1.0, 1.0), (0.45, 0.45, 0.48), (1.0, 0.95, 0.82))  # bright steel, black oxide, zinc-yellow


def draw(rng, n, cx, cy, s, angle, condition):
    at = placer(cx, cy, angle + rng.uniform(0, np.pi))
    half_l, half_d = rng.uniform(0.30, 0.36) * s, rng.uniform(0.10, 0.13) * s
    turns = int(rng.integers(6, 10))
    wire = rng.uniform(0.026, 0.034) * s
    # every defect's parameters are drawn whatever the condition: the same stream gives the same spring
    bunching, bow, gap = rng.uniform(1.6, 2.2), rng.uniform(0.06, 0.09) * s, int(rng.integers(turns - 2, turns + 2))
    xs = np.linspace(-half_l, half_l, 2 * turns + 1)
    if condition == "deformed":  # bunched at one end, bowed in the middle
        xs = -half_l + 2 * half_l * ((xs + half_l) / (2 * half_l)) ** bunching
    else:
        bow = 0.0
    ys = np.where(np.arange(len(xs)) % 2 == 0, -half_d, half_d) + bow * (1 - (xs / half_l) ** 2)
    if condition != "broken":
        gap = -1
    mask = np.zeros((n, n), np.float32)
    back = np.zeros((n, n), np.float32)
    for i in range(len(xs) - 1):
        if i == gap:
            continue
        seg = line_mask(n, at([(xs[i], ys[i]), (xs[i + 1], ys[i + 1])]), wire)
        mask = np.maximum(mask, seg)
        if i % 2:  # the turn's far side, seen through the coil: darker
            back = np.maximum(back, seg)
    for end in (-1, 1):  # closed, ground ends
        x = end * half_l
        mask = np.maximum(mask, line_mask(n, at([(x, -half_d), (x, half_d)]), wire * 1.2))
    surface = metal(rng, n, cx, cy, half_l, FINISHES[rng.integers(len(FINISHES))])
    blend(surface, back * 0.35, (0.0, 0.0, 0.0))
    return np.clip(mask, 0, 1), surface, (0.0, half_d)
