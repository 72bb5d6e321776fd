"""Frames that must never pass: blanks, an empty belt, parts half out of view, everyday scenes.

Used by the input gate's tests and its benchmark. Every frame is determined by (kind, seed).
"""

from __future__ import annotations


import cv2
import numpy as np

from .render import render_empty, render_partial
from ..errors import InvalidInput

BLANK_COLOURS = {"grey": (128, 128, 128), "white": (238, 238, 232), "black": (12, 12, 14), "dark belt": (38, 38, 42),
                 "beige": (200, 184, 150)}


def blank(colour: str, rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """A flat surface with sensor noise and, at random, a paper or cloth texture and uneven light."""
    img = np.full((size, size, 3), BLANK_COLOURS[colour], np.float32)
    texture = rng.integers(3)
    if texture == 1:  # paper: soft blotches
        img += cv2.GaussianBlur(rng.normal(0, 10, (size, size)).astype(np.float32), (0, 0), 4)[..., None]
    elif texture == 2:  # cloth: a fine weave
        yy, xx = np.mgrid[:size, :size]
        img += (4 * np.sin(xx * 1.3) * np.sin(yy * 1.3)).astype(np.float32)[..., None]
    g = np.linspace(-1, 1, size, dtype=np.float32)
    img *= (1 + rng.uniform(0, 0.15) * g[None, :, None])
    img += rng.normal(0, rng.uniform(2, 7), img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def everyday(rng: np.random.Generator, size: int = 256) -> np.ndarray:
    """An everyday scene drawn for the purpose: a landscape, a desk with a mug, a page of text, a window,
    a face, or coloured shapes. None shows a part of any family."""
    kind = int(rng.integers(6))
    img = np.zeros((size, size, 3), np.uint8)
    c = lambda: tuple(int(v) for v in rng.integers(0, 256, 3))  # noqa: E731
    if kind == 0:  # landscape: sky, hills, a sun
        horizon = int(size * rng.uniform(0.4, 0.7))
        img[:horizon] = (200, 170, 110)[::-1] if rng.random() < 0.5 else (235, 206, 135)
        pts = np.array([[0, horizon]] + [[x, horizon - int(rng.uniform(0, 60))] for x in range(0, size + 32, 32)] + [[size, size], [0, size]])
        cv2.fillPoly(img, [pts.astype(np.int32)], (60, 140, 70))
        cv2.circle(img, (int(rng.uniform(30, size - 30)), int(rng.uniform(20, horizon / 2))), 18, (250, 240, 180), -1)
    elif kind == 1:  # desk and a mug from above
        img[:] = (150, 110, 80)
        centre = (int(rng.uniform(60, size - 60)), int(rng.uniform(60, size - 60)))
        cv2.circle(img, centre, 48, c(), -1)
        cv2.circle(img, centre, 38, (60, 35, 20), -1)
        cv2.rectangle(img, (10, size - 70), (140, size - 10), (240, 240, 235), -1)
    elif kind == 2:  # a page of text
        img[:] = (245, 243, 236)
        for row in range(20, size - 20, 16):
            x = 16
            while x < size - 40:
                w = int(rng.uniform(10, 40))
                cv2.putText(img, "ab" * (w // 12 + 1), (x, row), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (30, 30, 30), 1)
                x += w + 8
    elif kind == 3:  # a window with frames and sky
        img[:] = (90, 80, 70)
        for y in range(2):
            for x in range(2):
                cv2.rectangle(img, (20 + x * 118, 20 + y * 118), (118 + x * 118, 118 + y * 118), (230, 200, 150), -1)
    elif kind == 4:  # a face
        img[:] = c()
        cv2.ellipse(img, (size // 2, size // 2), (70, 90), 0, 0, 360, (190, 150, 120), -1)
        for dx in (-28, 28):
            cv2.circle(img, (size // 2 + dx, size // 2 - 20), 9, (40, 30, 20), -1)
        cv2.ellipse(img, (size // 2, size // 2 + 35), (30, 12), 0, 0, 180, (120, 40, 40), 3)
    else:  # coloured shapes
        img[:] = c()
        for _ in range(8):
            p = rng.integers(0, size, 2)
            if rng.random() < 0.5:
                cv2.circle(img, tuple(int(v) for v in p), int(rng.uniform(10, 50)), c(), -1)
            else:
                q = p + rng.integers(20, 90, 2)
                cv2.rectangle(img, tuple(int(v) for v in p), tuple(int(v) for v in q), c(), -1)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    noisy = img.astype(np.float32) + rng.normal(0, 3, img.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def frames_of_kind(kind: str, count: int, seed: int, family: str = "washer", size: int = 256) -> list[np.ndarray]:
    """`count` frames of one kind: 'blank', 'empty', 'partial' or 'everyday'."""
    rng = np.random.default_rng(seed)
    colours = list(BLANK_COLOURS)
    out = []
    for i in range(count):
        if kind == "blank":
            out.append(blank(colours[i % len(colours)], rng, size))
        elif kind == "empty":
            out.append(render_empty(rng, size))
        elif kind == "partial":
            out.append(render_partial(family, ["good", "scratch", "stain"][i % 3], rng, size))
        elif kind == "everyday":
            out.append(everyday(rng, size))
        else:
            raise InvalidInput(f"unknown kind {kind!r}")
    return out


__all__ = ["blank", "everyday", "frames_of_kind", "BLANK_COLOURS"]
