"""A printed product label on a carton, seen from above: a title band, lines of text and a barcode on paper. Its
own defects are a misprint (a block of text missing, doubled or smeared, a barcode cut short) and a torn corner."""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..drawing import blend, gaussian_blur, placer, plastic, poly

PAPERS = ((0.95, 0.95, 0.92), (0.98, 0.92, 0.55), (0.90, 0.94, 0.98))
BANDS = ((0.75, 0.10, 0.10), (0.10, 0.25, 0.60), (0.10, 0.10, 0.10), (0.10, 0.50, 0.25))


def draw(rng, n, cx, cy, s, angle, condition):
    at = placer(cx, cy, angle + rng.choice((0.0, math.pi)))
    half_l, half_w = rng.uniform(0.32, 0.37) * s, rng.uniform(0.21, 0.25) * s
    corners = [(-half_l, -half_w), (half_l, -half_w), (half_l, half_w), (-half_l, half_w)]
    # every defect's parameters are drawn whatever the condition: the same stream gives the same label
    k, t1, t2, jitter = int(rng.integers(4)), rng.uniform(0.25, 0.4), rng.uniform(0.25, 0.4), rng.normal(0, 0.01 * s, (7, 2))
    misprint, block_at, double = rng.integers(3), rng.integers(0, 2), rng.uniform(0.03, 0.05) * s
    if condition == "torn":  # a corner torn away along a ragged line
        (x, y), (px, py), (nx, ny) = corners[k], corners[k - 1], corners[(k + 1) % 4]
        a, b = (x + t1 * (px - x), y + t1 * (py - y)), (x + t2 * (nx - x), y + t2 * (ny - y))
        rag = [(a[0] + (b[0] - a[0]) * u + jx, a[1] + (b[1] - a[1]) * u + jy)
               for u, (jx, jy) in zip(np.linspace(0, 1, 7), jitter)]
        corners = corners[:k] + rag + corners[k + 1:]
    mask = poly(n, at(corners))
    surface = plastic(rng, n, PAPERS[rng.integers(len(PAPERS))], cx, cy)
    ink = np.zeros((n, n), np.float32)

    def block(x0, y0, x1, y1, into=ink):
        into[:] = np.maximum(into, poly(n, at([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])))

    band = np.zeros((n, n), np.float32)
    block(-half_l * 0.92, -half_w * 0.88, half_l * 0.92, -half_w * 0.5, band)
    lines = int(rng.integers(3, 5))
    line_h = half_w * 0.12
    for i in range(lines):  # text: words as short dark bars
        y = -half_w * 0.35 + i * line_h * 2.1
        x = -half_l * 0.9
        end = half_l * rng.uniform(0.1, 0.9)
        while x < end:
            w = rng.uniform(0.04, 0.12) * s
            block(x, y, min(x + w, end), y + line_h)
            x += w + 0.02 * s
    bars = np.zeros((n, n), np.float32)
    x = half_l * 0.25
    while x < half_l * 0.9:  # the barcode, bottom right
        w = rng.choice((0.006, 0.012, 0.018)) * s
        block(x, half_w * 0.45, x + w, half_w * 0.85, bars)
        x += w + rng.choice((0.006, 0.012)) * s
    if condition == "misprint":
        if misprint == 0:  # a block of text never printed
            y0 = -half_w * 0.4 + line_h * 2.1 * min(block_at, lines - 2)
            cut = poly(n, at([(-half_l, y0), (half_l * 0.2, y0), (half_l * 0.2, y0 + line_h * 4.5), (-half_l, y0 + line_h * 4.5)]))
            ink *= 1.0 - cut
        elif misprint == 1:  # printed twice, out of register
            d = double
            ink = np.maximum(ink, 0.7 * cv2.warpAffine(ink, np.float32([[1, 0, d * n], [0, 1, 0.6 * d * n]]), (n, n)))
        else:  # smeared, the barcode cut short
            ink = gaussian_blur(ink, 0.012 * n) * 1.4
            bars *= 1.0 - poly(n, at([(half_l * 0.55, 0), (half_l, 0), (half_l, half_w), (half_l * 0.55, half_w)]))
    blend(surface, band, BANDS[rng.integers(len(BANDS))])
    blend(surface, np.clip(ink + bars, 0, 1) * mask, (0.06, 0.06, 0.07))
    return mask, surface, (0.0, half_w * 0.9)
