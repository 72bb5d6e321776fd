"""A hex-head bolt lying on its side: the head, a washer face, a plain shank and a threaded end, in plain steel,
zinc or black oxide. Its own defect is a bent shank (a deformation)."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import blend, line_mask, metal, placer, poly

FINISHES = ((1.0, 1.0, 1.0), (0.93, 0.96, 1.0), (0.40, 0.40, 0.42))


def draw(rng, n, cx, cy, s, angle, condition):
    at = placer(cx, cy, angle + rng.uniform(0, 2 * math.pi))
    length, half_d = rng.uniform(0.50, 0.62) * s, rng.uniform(0.055, 0.07) * s
    head_l, half_h = 0.12 * s, half_d * rng.uniform(1.7, 1.9)
    x0 = -length / 2 + head_l / 2  # the head's face against the shank
    kink = math.radians(rng.uniform(9, 15)) * rng.choice((-1, 1))  # drawn whatever the condition: the same bolt
    kink = kink if condition == "deformed" else 0.0
    bend_at = x0 + (length - head_l) * rng.uniform(0.35, 0.55)

    def shank(x, y):  # beyond the bend, the shank turns by `kink` about the bend
        if x <= bend_at:
            return (x, y)
        dx = x - bend_at
        return (bend_at + dx * math.cos(kink) - y * math.sin(kink), dx * math.sin(kink) + y * math.cos(kink))

    x1 = x0 + length - head_l
    mask = poly(n, at([(x0 - head_l, -half_h), (x0, -half_h), (x0, half_h), (x0 - head_l, half_h)]))
    body = [shank(x0, -half_d), shank(bend_at, -half_d), shank(x1, -half_d), shank(x1 + half_d * 0.4, -half_d * 0.6),
            shank(x1 + half_d * 0.4, half_d * 0.6), shank(x1, half_d), shank(bend_at, half_d), shank(x0, half_d)]
    mask = np.clip(mask + poly(n, at(body)), 0, 1)
    surface = metal(rng, n, cx, cy, length / 2, FINISHES[rng.integers(len(FINISHES))])
    for y in (-half_h / 3, half_h / 3):  # the head's flats
        blend(surface, line_mask(n, at([(x0 - head_l, y), (x0, y)]), 0.006 * s) * mask, (0.2, 0.2, 0.2))
    pitch = rng.uniform(0.022, 0.03) * s
    threaded = rng.uniform(0.45, 0.7) * (x1 - x0)
    for x in np.arange(x1 - threaded, x1, pitch):  # thread crests, slanted
        blend(surface, line_mask(n, at([shank(x, -half_d), shank(x + pitch * 0.5, half_d)]), 0.008 * s) * mask,
              (0.18, 0.18, 0.18))
    return mask, surface, (0.0, half_d)
