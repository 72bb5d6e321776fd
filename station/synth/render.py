"""Procedural top-down camera views of industrial parts, with and without defects: the scene (background, the
part its family draws, its defect, the shadow) and the camera (lighting, optics, sensor noise).

Geometry is drawn in normalised coordinates on a supersampled float canvas and reduced to the requested size, so a
scene looks the same at any resolution. Every random choice comes from the `numpy.random.Generator` passed in: the
same generator state always gives the same image. The families are station.synth.families, one module each.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from ..catalog import FAMILY_BY_KEY
from ..errors import InvalidInput
from .drawing import DEFECTS, add_through, background, blend, gaussian_blur, scale
from .families import DRAW

_SUPERSAMPLE = 2


def render_part(
    family: str, condition: str, rng: np.random.Generator, size: int = 128,
    centre: tuple[float, float] | None = None,
) -> np.ndarray:
    """One camera frame (size x size x 3, RGB uint8) of a part in the given condition.

    `centre` (in frame units) places the part elsewhere than the fixture, e.g. half out of view."""
    if family not in FAMILY_BY_KEY:
        raise InvalidInput(f"unknown part family {family!r}; known: {sorted(FAMILY_BY_KEY)}")
    known = {c.key for c in FAMILY_BY_KEY[family].conditions}
    if condition not in known:
        raise InvalidInput(f"unknown condition {condition!r} for {family}; known: {sorted(known)}")

    n = size * _SUPERSAMPLE
    img = background(rng, n)
    cx, cy = 0.5 + rng.normal(0, 0.025, 2)  # fixtured: small placement error
    if centre is not None:
        cx, cy = centre
    s = rng.uniform(0.9, 1.1)
    angle = math.radians(rng.uniform(-12, 12))
    mask, surface, radii = DRAW[family](rng, n, cx, cy, s, angle, condition)
    if condition in DEFECTS:
        DEFECTS[condition](rng, n, surface, mask, cx, cy, s, radii)

    # soft shadow cast by the part, then the part itself
    shift = np.float32([[1, 0, 0.015 * n], [0, 1, 0.02 * n]])
    shadow = gaussian_blur(cv2.warpAffine(mask, shift, (n, n)), 0.015 * n)
    scale(img, 1.0 - 0.5 * shadow)
    blend(img, mask, 0.0)
    add_through(img, mask, surface)
    return _camera(img, rng, size)


def render_empty(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """The belt or fixture plate with no part on it, through the same camera."""
    return _camera(background(rng, size * _SUPERSAMPLE), rng, size)


def _camera(img: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """Lighting, optics and sensor noise on a supersampled scene; returns RGB uint8."""
    n = img.shape[0]
    # lighting: gain, a linear falloff across the field, colour temperature
    g = (np.arange(n, dtype=np.float32) + 0.5) / n - 0.5
    a = rng.uniform(0, 2 * math.pi)
    falloff = 1.0 + rng.uniform(0, 0.3) * (g[None, :] * math.cos(a) + g[:, None] * math.sin(a))
    scale(img, falloff * rng.uniform(0.75, 1.2))
    for c, gain in enumerate(np.asarray(rng.uniform(0.94, 1.06, 3), np.float32)):  # colour temperature
        img[..., c] *= gain

    img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    blur = rng.uniform(0.0, 0.7) * size / 64
    if blur > 0.15:
        img = gaussian_blur(img, blur)
    img += rng.normal(0, rng.uniform(0.004, 0.025), img.shape).astype(np.float32)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


@functools.lru_cache(maxsize=32)
def _whole_area(family: str, size: int) -> float:
    """A nominal part's area, drawn in the middle of a canvas three frames wide (never cut off)."""
    n = size * _SUPERSAMPLE
    return DRAW[family](np.random.default_rng(0), 3 * n, 0.5, 0.5, 1 / 3, 0.0, "good")[0].sum()


def visible_share(family: str, centre: tuple[float, float], size: int = 64) -> float:
    """Share of a (nominal) part's area inside the frame when its centre is at `centre` (frame units)."""
    n = size * _SUPERSAMPLE
    full = _whole_area(family, size)
    shifted = ((centre[0] + 1) / 3, (centre[1] + 1) / 3)  # the frame is the middle third of that canvas
    inside = DRAW[family](np.random.default_rng(0), 3 * n, *shifted, 1 / 3, 0.0, "good")[0][n : 2 * n, n : 2 * n].sum()
    return float(inside / full)


def render_partial(family: str, condition: str, rng: np.random.Generator, size: int = 128,
                   visible: tuple[float, float] = (0.3, 0.6)) -> np.ndarray:
    """A part only partly in view (about `visible` of its area), slid off the fixture in a random direction."""
    target = rng.uniform(*visible)
    direction = rng.uniform(0, 2 * math.pi)
    low, high = 0.0, 1.0  # distance of the centre from the middle: share falls from 1 to 0
    for _ in range(20):
        mid = (low + high) / 2
        share = visible_share(family, (0.5 + mid * math.cos(direction), 0.5 + mid * math.sin(direction)))
        low, high = (mid, high) if share > target else (low, mid)
    d = (low + high) / 2
    return render_part(family, condition, rng, size, centre=(0.5 + d * math.cos(direction), 0.5 + d * math.sin(direction)))
