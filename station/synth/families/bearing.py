"""A ball bearing seen from above: outer and inner rings with the balls in their cage between them. Its own defect
is a missing ball (a missing feature); foreign matter in it is contamination."""

from __future__ import annotations

import math

import numpy as np

from ..drawing import blend, disc, metal, radius, scale


def draw(rng, n, cx, cy, s, angle, condition):
    ro = 0.35 * s
    ri = ro * rng.uniform(0.36, 0.42)  # the bore
    ring = (ro - ri) * 0.28  # each ring's width
    balls = int(rng.integers(7, 11))
    pitch_r = (ro + ri) / 2
    ball_r = min(0.5 * (ro - ri - 2 * ring) * 1.05, 0.9 * math.pi * pitch_r / balls)
    missing = int(rng.integers(balls))  # drawn whatever the condition: the same stream gives the same bearing
    missing = missing if condition == "missing_ball" else -1
    mask = np.clip(disc(n, cx, cy, ro) - disc(n, cx, cy, ri), 0, 1)
    surface = metal(rng, n, cx, cy, ro, (1.0, 1.0, 1.0))
    r = radius(n, cx, cy)
    groove = (r > ri + ring) & (r < ro - ring)
    scale(surface, 1.0 - 0.55 * groove)  # the dark gap between the rings
    cage = rng.uniform(0.45, 0.75)
    turn = angle + rng.uniform(0, 2 * math.pi)
    for k in range(balls):
        a = turn + 2 * math.pi * k / balls
        bx, by = cx + pitch_r * math.cos(a), cy + pitch_r * math.sin(a)
        if k == missing:  # an empty pocket in the cage
            blend(surface, disc(n, bx, by, ball_r), (0.05, 0.05, 0.05))
            continue
        blend(surface, disc(n, bx, by, ball_r), (cage, cage, cage * 0.98))
        hx, hy = bx - 0.3 * ball_r, by - 0.3 * ball_r  # the ball's highlight
        blend(surface, disc(n, hx, hy, 0.35 * ball_r) * 0.8, (0.97, 0.97, 0.97))
    return mask, surface, (ri, ro)
