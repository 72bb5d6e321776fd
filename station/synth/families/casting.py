"""An aluminium die casting seen from above: a lobed plate with bosses, rough as cast. Its own defects are porosity
(clusters of gas pits) and a chipped edge."""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..drawing import blend, disc, gaussian_blur, radial, tinted


def draw(rng, n, cx, cy, s, angle, condition):
    lobes = int(rng.integers(3, 5))
    turn = angle + rng.uniform(0, 2 * math.pi)
    a = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    radius = (0.27 + 0.06 * np.cos(lobes * (a - turn))) * s
    # the chip's parameters are drawn whatever the condition: the same stream gives the same casting
    at, width, depth, rough_edge = rng.uniform(0, 2 * math.pi), rng.uniform(0.25, 0.35), rng.uniform(0.72, 0.8), \
        rng.normal(0, 0.008 * s, a.size)
    if condition == "chipped":  # a piece broken off the edge
        near = np.abs(np.angle(np.exp(1j * (a - at)))) < width
        radius = np.where(near, radius * depth + rough_edge, radius)
    outline = np.stack([cx + radius * np.cos(a), cy + radius * np.sin(a)], axis=1)
    m = np.zeros((n, n), np.float32)
    cv2.fillPoly(m, [np.round(outline * n * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    bosses = [(cx + 0.2 * s * math.cos(turn + 2 * math.pi * k / lobes), cy + 0.2 * s * math.sin(turn + 2 * math.pi * k / lobes))
              for k in range(lobes)]
    for bx, by in bosses:
        m = m - disc(n, bx, by, 0.03 * s)
    mask = np.clip(m, 0, 1)
    grey = rng.uniform(0.58, 0.72)
    rough = gaussian_blur(rng.normal(0, 0.05, (n, n)).astype(np.float32), 0.9)
    r, theta = radial(n, cx, cy)
    light = 1.0 + 0.08 * np.cos(theta - rng.uniform(0, 2 * math.pi)) * r / (0.3 * s)
    surface = tinted((grey + rough) * light, (1.0, 1.0, 1.02))
    for bx, by in bosses:  # a raised boss round each hole: a bright rim
        blend(surface, np.clip(disc(n, bx, by, 0.055 * s) - disc(n, bx, by, 0.03 * s), 0, 1) * 0.4, (0.95, 0.95, 0.95))
    if condition == "porosity":  # a cluster of small gas pits
        px, py = cx + rng.uniform(-0.12, 0.12) * s, cy + rng.uniform(-0.12, 0.12) * s
        for _ in range(rng.integers(6, 12)):
            ox, oy = rng.normal(0, 0.035 * s, 2)
            blend(surface, disc(n, px + ox, py + oy, rng.uniform(0.006, 0.013) * s) * mask, (0.08, 0.08, 0.08))
    return mask, surface.astype(np.float32), (0.06 * s, 0.22 * s)
