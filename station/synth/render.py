"""Procedural top-down camera views of industrial parts, with and without defects.

Geometry is drawn in normalised coordinates on a supersampled float canvas and
reduced to the requested size, so a scene looks the same at any resolution.
Every random choice comes from the `numpy.random.Generator` passed in: the same
generator state always gives the same image.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..catalog import FAMILY_BY_KEY
from ..errors import InvalidInput

_SUPERSAMPLE = 2


def _line_mask(canvas: int, points: np.ndarray, width: float) -> np.ndarray:
    mask = np.zeros((canvas, canvas), np.float32)
    pts = np.round(points * canvas * 16).astype(np.int32)  # 4 fractional bits
    cv2.polylines(mask, [pts], False, 1.0, max(1, int(round(width * canvas))), cv2.LINE_AA, 4)
    return mask


def _blend(img: np.ndarray, mask: np.ndarray, colour) -> None:
    """Paint `colour` through `mask`, touching only the mask's bounding box (outside it the mask is 0 and the
    image would not change): most strokes are small, and this is most of the time a frame takes to draw."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return
    cols = np.flatnonzero(mask.any(axis=0))
    box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    m = mask[box][..., None]
    region = img[box]
    region *= 1.0 - m
    region += m * np.asarray(colour, np.float32)


def _background(rng: np.random.Generator, n: int) -> np.ndarray:
    yy = np.linspace(0, 1, n, dtype=np.float32)[:, None]
    if rng.random() < 0.5:  # rubber conveyor belt with transverse ribs
        base = rng.uniform(0.10, 0.24)
        period = rng.uniform(0.03, 0.06)
        ribs = 0.03 * np.sign(np.sin(2 * math.pi * (yy / period + rng.random())))
        grain = rng.normal(0, 0.025, (n, n)).astype(np.float32)
        bg = base + ribs + cv2.GaussianBlur(grain, (0, 0), 1.5)
    else:  # brushed steel fixture plate
        base = rng.uniform(0.32, 0.50)
        streaks = rng.normal(0, 0.05, (n, n)).astype(np.float32)
        streaks = cv2.GaussianBlur(streaks, (0, 0), sigmaX=n / 12, sigmaY=0.8)
        bg = base + streaks + 0.0 * yy
    bg = np.repeat(bg[..., None], 3, axis=2)
    bg *= np.asarray(rng.uniform(0.92, 1.08, 3), np.float32)
    return bg.astype(np.float32)


def _disc(n: int, cx: float, cy: float, r: float) -> np.ndarray:
    m = np.zeros((n, n), np.float32)
    cv2.circle(m, (int(cx * n * 16), int(cy * n * 16)), int(r * n * 16), 1.0, -1, cv2.LINE_AA, 4)
    return m


def _poly(n: int, pts: np.ndarray) -> np.ndarray:
    m = np.zeros((n, n), np.float32)
    cv2.fillPoly(m, [np.round(pts * n * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    return m


def _radial(n: int, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    g = (np.arange(n, dtype=np.float32) + 0.5) / n
    dx, dy = g[None, :] - cx, g[:, None] - cy
    return np.sqrt(dx * dx + dy * dy), np.arctan2(dy, dx)


def _metal(rng, n, cx, cy, radius, tint) -> np.ndarray:
    """Machined metal: concentric tool marks and a soft highlight."""
    r, theta = _radial(n, cx, cy)
    base = rng.uniform(0.55, 0.72)
    light_dir = rng.uniform(0, 2 * math.pi)
    shade = base + 0.12 * np.cos(theta - light_dir) * (r / radius) + 0.02 * np.sin(r * n / 1.7)
    img = np.repeat(shade[..., None], 3, axis=2) * np.asarray(tint, np.float32)
    return img.astype(np.float32)


def _washer(rng, n, cx, cy, s, angle, condition):
    ro = 0.34 * s
    ri = ro * rng.uniform(0.40, 0.48)
    mask = _disc(n, cx, cy, ro) - _disc(n, cx, cy, ri)
    if condition == "dent":  # a bite pushed into the outer rim
        a = rng.uniform(0, 2 * math.pi)
        br = ro * rng.uniform(0.34, 0.42)
        d = ro + br * 0.2
        bite = _disc(n, cx + d * math.cos(a), cy + d * math.sin(a), br)
        mask = np.clip(mask - bite, 0, 1)
    tint = (1.0, 1.0, 1.0) if rng.random() < 0.7 else (1.0, 0.93, 0.78)
    surface = _metal(rng, n, cx, cy, ro, tint)
    r, _ = _radial(n, cx, cy)
    surface *= (1.0 - 0.25 * np.exp(-((r - ro) / (0.03 * s)) ** 2))[..., None]  # chamfer
    surface *= (1.0 - 0.25 * np.exp(-((r - ri) / (0.025 * s)) ** 2))[..., None]
    return np.clip(mask, 0, 1), surface, (ri, ro)


def _hexagon(cx, cy, radius, angle) -> np.ndarray:
    k = np.arange(6)
    return np.stack(
        [cx + radius * np.cos(angle + k * math.pi / 3), cy + radius * np.sin(angle + k * math.pi / 3)],
        axis=1,
    )


def _hex_nut(rng, n, cx, cy, s, angle, condition):
    ro = 0.36 * s
    pts = _hexagon(cx, cy, ro, angle + rng.uniform(0, math.pi / 3))
    chip_edge = None
    if condition == "chipped":  # one corner broken off
        i = rng.integers(6)
        p, a, b = pts[i], pts[(i - 1) % 6], pts[(i + 1) % 6]
        t1, t2 = rng.uniform(0.62, 0.78), rng.uniform(0.62, 0.78)
        chip = [p + t1 * (a - p), p + 0.5 * (t1 + t2) * ((a + b) / 2 - p) * 0.6, p + t2 * (b - p)]
        pts = np.concatenate([pts[:i], np.array(chip), pts[i + 1 :]])
        chip_edge = np.array(chip)
    hole = ro * rng.uniform(0.42, 0.5)
    mask = np.clip(_poly(n, pts) - _disc(n, cx, cy, hole), 0, 1)
    tint = (1.0, 1.0, 1.0) if rng.random() < 0.6 else (1.0, 0.88, 0.6)  # zinc or brass
    surface = _metal(rng, n, cx, cy, ro, tint)
    r, _ = _radial(n, cx, cy)
    surface *= (1.0 + 0.12 * (np.abs(r - ro * 0.88) < 0.015 * s))[..., None]  # chamfer circle
    threads = (r < hole * 1.25) & (np.sin(r * n * 1.1) > 0.3)
    surface *= (1.0 - 0.3 * threads)[..., None]
    if chip_edge is not None:
        # the fracture face: a rough, dull grey band along the break, unlike machined metal
        _blend(surface, _line_mask(n, chip_edge, 0.075 * s) * mask, (0.36, 0.34, 0.31))
    return mask, surface, (hole, ro)


def _pcb(rng, n, cx, cy, s, angle, condition):
    half = 0.33 * s
    c, si = math.cos(angle), math.sin(angle)

    def rot(points):
        p = np.asarray(points, np.float64)
        return np.stack([cx + p[:, 0] * c - p[:, 1] * si, cy + p[:, 0] * si + p[:, 1] * c], axis=1)

    mask = _poly(n, rot([(-half, -half), (half, -half), (half, half), (-half, half)]))
    green = np.asarray((rng.uniform(0.05, 0.12), rng.uniform(0.35, 0.5), rng.uniform(0.15, 0.25)))
    surface = np.ones((n, n, 3), np.float32) * green.astype(np.float32)
    copper = (0.85, 0.62, 0.25)
    # traces
    for _ in range(6):
        y = rng.uniform(-0.8, 0.8) * half
        x0, x1 = sorted(rng.uniform(-0.9, 0.9, 2) * half)
        _blend(surface, _line_mask(n, rot([(x0, y), (x1, y)]), 0.012 * s), copper)
    # mounting holes
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        (hx, hy), = rot([(0.8 * half * sx, 0.8 * half * sy)])
        _blend(surface, _disc(n, hx, hy, 0.06 * s), (0.8, 0.75, 0.5))
        _blend(surface, _disc(n, hx, hy, 0.035 * s), (0.08, 0.08, 0.08))
    # the main chip's pad array, then the chip over it
    chip = 0.30 * half + 0.2 * half
    for k in np.linspace(-0.8, 0.8, 5):
        for side in (-1, 1):
            pad = rot([(side * chip * 1.15, k * chip), (side * chip * 0.9, k * chip)])
            _blend(surface, _line_mask(n, pad, 0.03 * s), (0.8, 0.8, 0.78))
    if condition != "missing_part":
        body = rot([(-chip, -chip), (chip, -chip), (chip, chip), (-chip, chip)])
        _blend(surface, _poly(n, body), (0.07, 0.07, 0.08))
        (dx, dy), = rot([(-0.6 * chip, -0.6 * chip)])
        _blend(surface, _disc(n, dx, dy, 0.02 * s), (0.35, 0.35, 0.35))
    # two small passive parts
    for k in (-0.7, 0.7):
        r = rot([(k * half - 0.06 * s, 0.7 * half), (k * half + 0.06 * s, 0.7 * half)])
        _blend(surface, _line_mask(n, r, 0.05 * s), (0.75, 0.6, 0.4))
    return mask, surface, (0.55 * half, half)


_DRAW = {"washer": _washer, "hex_nut": _hex_nut, "pcb_tile": _pcb}


def _point_on_part(rng, cx, cy, r_in, r_out):
    rr = rng.uniform(r_in + 0.25 * (r_out - r_in), r_in + 0.75 * (r_out - r_in))
    a = rng.uniform(0, 2 * math.pi)
    return cx + rr * math.cos(a), cy + rr * math.sin(a)


def _scratch(rng, n, surface, part_mask, cx, cy, s, radii):
    for _ in range(rng.integers(1, 3)):
        x, y = _point_on_part(rng, cx, cy, *radii)
        a, half = rng.uniform(0, math.pi), rng.uniform(0.14, 0.24) * s
        pts = np.array([(x - half * math.cos(a), y - half * math.sin(a)), (x + half * math.cos(a), y + half * math.sin(a))])
        line = _line_mask(n, pts, rng.uniform(0.018, 0.026) * s) * part_mask
        brighter = np.clip(surface.mean(axis=2, keepdims=True) + 0.4, 0.8, 1.0)
        _blend(surface, line, 0.0)
        surface += line[..., None] * np.repeat(brighter, 3, axis=2)


def _crack(rng, n, surface, part_mask, cx, cy, s, radii):
    r_in, r_out = radii
    a = rng.uniform(0, 2 * math.pi)
    r0 = r_out * 1.02
    steps = int(rng.integers(5, 8))
    length = rng.uniform(0.75, 1.0) * (r_out - r_in if r_in > 0 else 0.6 * r_out) + 0.02 * s
    pts, jag = [], 0.02 * s
    for k in range(steps + 1):
        rr = r0 - length * k / steps
        aa = a + rng.normal(0, jag / max(rr, 1e-3))
        pts.append((cx + rr * math.cos(aa), cy + rr * math.sin(aa)))
    pts = np.array(pts)
    width = rng.uniform(0.022, 0.03) * s
    crack = _line_mask(n, pts, width)
    branch_at = pts[steps // 2]
    b_end = branch_at + rng.normal(0, 0.08 * s, 2)
    crack = np.maximum(crack, _line_mask(n, np.array([branch_at, b_end]), width * 0.7))
    _blend(surface, crack * part_mask, (0.03, 0.03, 0.03))


def _stain(rng, n, surface, part_mask, cx, cy, s, radii):
    x, y = _point_on_part(rng, cx, cy, *radii)
    blob = np.zeros((n, n), np.float32)
    for _ in range(rng.integers(3, 7)):
        ox, oy = rng.normal(0, 0.03 * s, 2)
        axes = (int(rng.uniform(0.035, 0.065) * s * n * 16), int(rng.uniform(0.035, 0.065) * s * n * 16))
        centre = (int((x + ox) * n * 16), int((y + oy) * n * 16))
        cv2.ellipse(blob, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA, 4)
    blob = cv2.GaussianBlur(blob, (0, 0), 0.01 * n) * part_mask
    # rust or blue-green corrosion: coloured, so a stain never looks like a (black) crack
    colour = ((0.55, 0.26, 0.05), (0.45, 0.18, 0.04), (0.10, 0.42, 0.52))[rng.integers(3)]
    _blend(surface, np.clip(blob * 1.3, 0, 1) * rng.uniform(0.85, 0.95), colour)


_DEFECTS = {"scratch": _scratch, "crack": _crack, "stain": _stain}


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
    img = _background(rng, n)
    cx, cy = 0.5 + rng.normal(0, 0.025, 2)  # fixtured: small placement error
    if centre is not None:
        cx, cy = centre
    s = rng.uniform(0.9, 1.1)
    angle = math.radians(rng.uniform(-12, 12))
    mask, surface, radii = _DRAW[family](rng, n, cx, cy, s, angle, condition)
    if condition in _DEFECTS:
        _DEFECTS[condition](rng, n, surface, mask, cx, cy, s, radii)

    # soft shadow cast by the part, then the part itself
    shift = np.float32([[1, 0, 0.015 * n], [0, 1, 0.02 * n]])
    shadow = cv2.GaussianBlur(cv2.warpAffine(mask, shift, (n, n)), (0, 0), 0.015 * n)
    img *= (1.0 - 0.5 * shadow)[..., None]
    _blend(img, mask, 0.0)
    img += mask[..., None] * surface
    return _camera(img, rng, size)


def render_empty(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """The belt or fixture plate with no part on it, through the same camera."""
    return _camera(_background(rng, size * _SUPERSAMPLE), rng, size)


def _camera(img: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """Lighting, optics and sensor noise on a supersampled scene; returns RGB uint8."""
    n = img.shape[0]
    # lighting: gain, a linear falloff across the field, colour temperature
    g = (np.arange(n, dtype=np.float32) + 0.5) / n - 0.5
    a = rng.uniform(0, 2 * math.pi)
    falloff = 1.0 + rng.uniform(0, 0.3) * (g[None, :] * math.cos(a) + g[:, None] * math.sin(a))
    img *= (falloff * rng.uniform(0.75, 1.2))[..., None]
    img *= np.asarray(rng.uniform(0.94, 1.06, 3), np.float32)

    img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    blur = rng.uniform(0.0, 0.7) * size / 64
    if blur > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    img += rng.normal(0, rng.uniform(0.004, 0.025), img.shape).astype(np.float32)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def visible_share(family: str, centre: tuple[float, float], size: int = 64) -> float:
    """Share of a (nominal) part's area inside the frame when its centre is at `centre` (frame units)."""
    n = size * _SUPERSAMPLE
    full = _DRAW[family](np.random.default_rng(0), 3 * n, 0.5, 0.5, 1 / 3, 0.0, "good")[0].sum()  # never cut off
    shifted = ((centre[0] + 1) / 3, (centre[1] + 1) / 3)  # the frame is the middle third of that canvas
    inside = _DRAW[family](np.random.default_rng(0), 3 * n, *shifted, 1 / 3, 0.0, "good")[0][n : 2 * n, n : 2 * n].sum()
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
