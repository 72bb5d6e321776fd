"""A bottle cap seen from above: a knurled rim and a printed top (a ring of lettering round a mark), in moulded
plastic or lacquered metal. Its own defects are a misprint (the print shifted, smeared or partly missing) and a dent."""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..drawing import blend, disc, gaussian_blur, line_mask, metal, plastic, radial, scale

COLOURS = ((0.80, 0.12, 0.10), (0.10, 0.30, 0.70), (0.92, 0.92, 0.90), (0.15, 0.55, 0.25), (0.95, 0.75, 0.15))
INKS = ((0.05, 0.05, 0.05), (0.95, 0.95, 0.95), (0.80, 0.65, 0.20))


def _print(rng, n, cx, cy, s, turn) -> np.ndarray:
    """The artwork's mask: lettering (short strokes) round a ring and a mark in the middle."""
    art = np.zeros((n, n), np.float32)
    letters = int(rng.integers(12, 20))
    ring = rng.uniform(0.19, 0.22) * s
    for k in range(letters):
        if rng.random() < 0.15:
            continue  # a space between words
        a = turn + 2 * math.pi * k / letters
        r0, r1 = ring - 0.018 * s, ring + 0.018 * s
        art = np.maximum(art, line_mask(n, np.array([(cx + r0 * math.cos(a), cy + r0 * math.sin(a)),
                                                      (cx + r1 * math.cos(a), cy + r1 * math.sin(a))]), 0.012 * s))
    mark = rng.uniform(0.07, 0.1) * s
    art = np.maximum(art, disc(n, cx, cy, mark) - disc(n, cx, cy, mark * 0.6))
    bar = np.array([(cx - mark * math.cos(turn), cy - mark * math.sin(turn)), (cx + mark * math.cos(turn), cy + mark * math.sin(turn))])
    return np.clip(np.maximum(art, line_mask(n, bar, 0.02 * s)), 0, 1)


def draw(rng, n, cx, cy, s, angle, condition):
    ro = rng.uniform(0.31, 0.35) * s
    mask = disc(n, cx, cy, ro)
    colour = COLOURS[rng.integers(len(COLOURS))]
    surface = metal(rng, n, cx, cy, ro, colour) if rng.random() < 0.3 else plastic(rng, n, colour, cx, cy)
    r, theta = radial(n, cx, cy)
    knurl = (r > ro * 0.86) & (np.sin(theta * rng.integers(40, 64)) > 0)
    scale(surface, 1.0 - 0.22 * knurl)
    turn = angle + rng.uniform(0, 2 * math.pi)
    art = _print(rng, n, cx, cy, s, turn)
    # the misprint's parameters are drawn whatever the condition: the same stream gives the same cap
    kind, d, a, edge = rng.integers(3), rng.uniform(0.06, 0.09) * s, rng.uniform(0, 2 * math.pi), rng.uniform(-0.2, 0.3)
    if condition == "misprint":
        if kind == 0:  # registration off: the artwork shifted
            art = cv2.warpAffine(art, np.float32([[1, 0, d * n * math.cos(a)], [0, 1, d * n * math.sin(a)]]), (n, n))
        elif kind == 1:  # smeared ink
            art = gaussian_blur(art, 0.02 * n) * 1.6
        else:  # part of the artwork never printed
            art = art * (np.cos(theta - a) < edge)
    ink = INKS[rng.integers(len(INKS))]
    if np.allclose(ink, colour, atol=0.2):
        ink = (1.0 - ink[0], 1.0 - ink[1], 1.0 - ink[2])
    blend(surface, np.clip(art, 0, 1) * (r < ro * 0.84) * 0.9, ink)
    if condition == "dent":  # a dent in the rim: a dark crease and a bright crescent
        a = rng.uniform(0, 2 * math.pi)
        dx, dy = cx + ro * 0.8 * math.cos(a), cy + ro * 0.8 * math.sin(a)
        blend(surface, gaussian_blur(disc(n, dx, dy, 0.08 * s), 0.01 * n) * mask * 0.55, (0.05, 0.05, 0.05))
        hx, hy = cx + ro * 0.68 * math.cos(a + 0.15), cy + ro * 0.68 * math.sin(a + 0.15)
        blend(surface, gaussian_blur(disc(n, hx, hy, 0.035 * s), 0.008 * n) * mask * 0.6, (1.0, 1.0, 1.0))
    return mask, surface, (0.0, ro * 0.8)
