"""What every part family draws with: masks of lines, discs and polygons on a supersampled float canvas, blending,
machined-metal shading, the backgrounds, and the defects that recur across families (scratch, crack, stain).

Every random choice comes from the `numpy.random.Generator` passed in: the same generator state always gives the
same image. Coordinates are in frame units (0..1); `n` is the canvas side in pixels.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np


def line_mask(canvas: int, points: np.ndarray, width: float) -> np.ndarray:
    mask = np.zeros((canvas, canvas), np.float32)
    pts = np.round(points * canvas * 16).astype(np.int32)  # 4 fractional bits
    cv2.polylines(mask, [pts], False, 1.0, max(1, int(round(width * canvas))), cv2.LINE_AA, 4)
    return mask


@functools.lru_cache(maxsize=64)
def _gaussian_kernel(sigma: float) -> np.ndarray:
    taps = int(round(sigma * 8 + 1)) | 1  # the length cv2.GaussianBlur chooses for float images
    kernel = cv2.getGaussianKernel(taps, sigma, cv2.CV_32F)
    kernel.flags.writeable = False  # shared by every caller
    return kernel


_ONE_TAP = np.ones((1, 1), np.float32)


def _blur_along(img: np.ndarray, kernel: np.ndarray, across: bool) -> np.ndarray:
    """One axis of the blur. filter2D is two to three times faster than OpenCV's separable filter up to 129 taps;
    above that it convolves by DFT, which pays only on canvases of 512 px or more (measured here)."""
    length = img.shape[1] if across else img.shape[0]
    if len(kernel) <= 129 or length >= 512:
        return cv2.filter2D(img, -1, kernel.T if across else kernel)
    return cv2.sepFilter2D(img, -1, kernel if across else _ONE_TAP, _ONE_TAP if across else kernel)


def gaussian_blur(img: np.ndarray, sigma_x: float, sigma_y: float | None = None) -> np.ndarray:
    """What `cv2.GaussianBlur(img, (0, 0), sigma_x, sigma_y)` gives a float32 image (its kernels and border; the
    values agree to float rounding), one axis at a time, each the faster way (`_blur_along`)."""
    sigma_y = sigma_x if sigma_y is None or sigma_y <= 0 else sigma_y  # OpenCV's rule for a missing sigma_y
    return _blur_along(_blur_along(img, _gaussian_kernel(float(sigma_x)), True), _gaussian_kernel(float(sigma_y)),
                       False)


# RGB images are H x W x 3. numpy multiplies an H x W plane into them several times slower through a broadcast
# over the last axis of 3 (`plane[..., None] * rgb`) than one channel at a time; the helpers below do the same
# arithmetic, element for element, channel by channel (the same pixels, bit for bit).


def tinted(plane: np.ndarray, colour) -> np.ndarray:
    """`plane[..., None] * colour` as float32 (H x W x 3)."""
    colour = np.broadcast_to(np.asarray(colour, np.float32), (3,))
    out = np.empty(plane.shape + (3,), np.float32)
    for c in range(3):
        np.multiply(plane, colour[c], out=out[..., c])
    return out


def scale(img: np.ndarray, plane: np.ndarray) -> None:
    """`img *= plane[..., None]`, in place."""
    for c in range(3):
        img[..., c] *= plane


def add_through(img: np.ndarray, plane: np.ndarray, rgb: np.ndarray) -> None:
    """`img += plane[..., None] * rgb`, in place (`rgb` H x W x 3)."""
    for c in range(3):
        img[..., c] += plane * rgb[..., c]


def blend(img: np.ndarray, mask: np.ndarray, colour) -> None:
    """Paint `colour` through `mask`, touching only the mask's bounding box (outside it the mask is 0 and the
    image would not change): most strokes are small, and this is most of the time a frame takes to draw."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return
    cols = np.flatnonzero(mask.any(axis=0))
    box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    m = mask[box]
    region = img[box]
    scale(region, 1.0 - m)
    colour = np.broadcast_to(np.asarray(colour, np.float32), (3,))
    for c in range(3):
        region[..., c] += m * colour[c]


def background(rng: np.random.Generator, n: int) -> np.ndarray:
    yy = np.linspace(0, 1, n, dtype=np.float32)[:, None]
    if rng.random() < 0.5:  # rubber conveyor belt with transverse ribs
        base = rng.uniform(0.10, 0.24)
        period = rng.uniform(0.03, 0.06)
        ribs = 0.03 * np.sign(np.sin(2 * math.pi * (yy / period + rng.random())))
        grain = rng.normal(0, 0.025, (n, n)).astype(np.float32)
        bg = base + ribs + gaussian_blur(grain, 1.5)
    else:  # brushed steel fixture plate
        base = rng.uniform(0.32, 0.50)
        streaks = rng.normal(0, 0.05, (n, n)).astype(np.float32)
        streaks = gaussian_blur(streaks, n / 12, 0.8)
        bg = base + streaks + 0.0 * yy
    return tinted(bg, rng.uniform(0.92, 1.08, 3))


def disc(n: int, cx: float, cy: float, r: float) -> np.ndarray:
    m = np.zeros((n, n), np.float32)
    cv2.circle(m, (int(cx * n * 16), int(cy * n * 16)), int(r * n * 16), 1.0, -1, cv2.LINE_AA, 4)
    return m


def poly(n: int, pts: np.ndarray) -> np.ndarray:
    m = np.zeros((n, n), np.float32)
    cv2.fillPoly(m, [np.round(pts * n * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    return m


def _read_only(grid: np.ndarray) -> np.ndarray:
    grid.flags.writeable = False
    return grid


# A part's shading and its family both ask for these grids of its centre: the last two centres are remembered.
# typed: a float32 grid less a Python float stays float32, less a numpy float64 it does not.
@functools.lru_cache(maxsize=2, typed=True)
def offsets(n: int, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every pixel less (cx, cy), as a 1 x n row and an n x 1 column, read-only."""
    g = (np.arange(n, dtype=np.float32) + 0.5) / n
    return _read_only(g[None, :] - cx), _read_only(g[:, None] - cy)


@functools.lru_cache(maxsize=2, typed=True)
def radius(n: int, cx: float, cy: float) -> np.ndarray:
    """Distance of every pixel from (cx, cy), read-only."""
    dx, dy = offsets(n, cx, cy)
    return _read_only(np.sqrt(dx * dx + dy * dy))


@functools.lru_cache(maxsize=2, typed=True)
def radial(n: int, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
    """Distance and angle of every pixel from (cx, cy), read-only. Only the families that draw by angle ask for
    it: the arctangent costs more than the rest of a part's shading."""
    dx, dy = offsets(n, cx, cy)
    return radius(n, cx, cy), _read_only(np.arctan2(dy, dx))


def along(n: int, cx: float, cy: float, direction: float) -> np.ndarray:
    """Every pixel's offset from (cx, cy) along `direction` (radians): r cos(angle - direction), with no angle."""
    dx, dy = offsets(n, cx, cy)
    return dx * math.cos(direction) + dy * math.sin(direction)


def metal(rng, n, cx, cy, size, tint) -> np.ndarray:
    """Machined metal: concentric tool marks and a soft highlight (0.12 cos(angle - light) r / size)."""
    base = rng.uniform(0.55, 0.72)
    light = rng.uniform(0, 2 * math.pi)
    shade = base + (0.12 / size) * along(n, cx, cy, light) + 0.02 * np.sin(radius(n, cx, cy) * n / 1.7)
    return tinted(shade, tint)


def placer(cx: float, cy: float, angle: float):
    """Part coordinates -> frame coordinates: the part's own axes turned by `angle` about its centre."""
    c, si = math.cos(angle), math.sin(angle)

    def at(points) -> np.ndarray:
        p = np.asarray(points, np.float64).reshape(-1, 2)
        return np.stack([cx + p[:, 0] * c - p[:, 1] * si, cy + p[:, 0] * si + p[:, 1] * c], axis=1)

    return at


def plastic(rng, n: int, colour, cx: float, cy: float) -> np.ndarray:
    """Moulded plastic or paper: a flat colour, a soft light from one side and a faint grain."""
    light = 1.0 + 0.10 * along(n, cx, cy, rng.uniform(0, 2 * math.pi))
    grain = gaussian_blur(rng.normal(0, 0.02, (n, n)).astype(np.float32), 0.6)
    return tinted(light + grain, colour)


def point_on_part(rng, cx, cy, r_in, r_out):
    rr = rng.uniform(r_in + 0.25 * (r_out - r_in), r_in + 0.75 * (r_out - r_in))
    a = rng.uniform(0, 2 * math.pi)
    return cx + rr * math.cos(a), cy + rr * math.sin(a)


def scratch(rng, n, surface, part_mask, cx, cy, s, radii):
    for _ in range(rng.integers(1, 3)):
        x, y = point_on_part(rng, cx, cy, *radii)
        a, half = rng.uniform(0, math.pi), rng.uniform(0.14, 0.24) * s
        pts = np.array([(x - half * math.cos(a), y - half * math.sin(a)), (x + half * math.cos(a), y + half * math.sin(a))])
        line = line_mask(n, pts, rng.uniform(0.018, 0.026) * s) * part_mask
        brighter = np.clip(surface.mean(axis=2, keepdims=True) + 0.4, 0.8, 1.0)
        blend(surface, line, 0.0)
        lit = line * brighter[..., 0]
        for c in range(3):
            surface[..., c] += lit


def crack(rng, n, surface, part_mask, cx, cy, s, radii):
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
    crack = line_mask(n, pts, width)
    branch_at = pts[steps // 2]
    b_end = branch_at + rng.normal(0, 0.08 * s, 2)
    crack = np.maximum(crack, line_mask(n, np.array([branch_at, b_end]), width * 0.7))
    blend(surface, crack * part_mask, (0.03, 0.03, 0.03))


def stain(rng, n, surface, part_mask, cx, cy, s, radii):
    x, y = point_on_part(rng, cx, cy, *radii)
    blob = np.zeros((n, n), np.float32)
    for _ in range(rng.integers(3, 7)):
        ox, oy = rng.normal(0, 0.03 * s, 2)
        axes = (int(rng.uniform(0.035, 0.065) * s * n * 16), int(rng.uniform(0.035, 0.065) * s * n * 16))
        centre = (int((x + ox) * n * 16), int((y + oy) * n * 16))
        cv2.ellipse(blob, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA, 4)
    blob = gaussian_blur(blob, 0.01 * n) * part_mask
    # rust or blue-green corrosion: coloured, so a stain never looks like a (black) crack
    colour = ((0.55, 0.26, 0.05), (0.45, 0.18, 0.04), (0.10, 0.42, 0.52))[rng.integers(3)]
    blend(surface, np.clip(blob * 1.3, 0, 1) * rng.uniform(0.85, 0.95), colour)


def contamination(rng, n, surface, part_mask, cx, cy, s, radii):
    """Foreign matter lying on the part: a few specks of grit, a fibre, sometimes a drop of oil; each dark where it
    lands on a light surface, pale (dust, lint) on a dark one."""

    def against(x: float, y: float, dark, pale):
        here = surface[min(n - 1, max(0, int(y * n))), min(n - 1, max(0, int(x * n)))]
        return dark if float(here.mean()) > 0.4 else pale

    for _ in range(rng.integers(2, 5)):
        x, y = point_on_part(rng, cx, cy, *radii)
        blend(surface, disc(n, x, y, rng.uniform(0.010, 0.018) * s) * part_mask,
              against(x, y, (0.09, 0.08, 0.07), (0.80, 0.78, 0.74)))
    x, y = point_on_part(rng, cx, cy, *radii)
    a, length = rng.uniform(0, math.pi), rng.uniform(0.08, 0.16) * s
    bend = rng.normal(0, 0.03 * s, 2)
    pts = np.array([(x - length * math.cos(a), y - length * math.sin(a)), (x + bend[0], y + bend[1]),
                    (x + length * math.cos(a), y + length * math.sin(a))])
    blend(surface, line_mask(n, pts, 0.009 * s) * part_mask, against(x, y, (0.15, 0.13, 0.12), (0.88, 0.86, 0.82)))
    if rng.random() < 0.5:
        x, y = point_on_part(rng, cx, cy, *radii)
        drop = gaussian_blur(disc(n, x, y, rng.uniform(0.03, 0.05) * s), 0.006 * n) * part_mask
        blend(surface, drop * 0.55, (0.30, 0.24, 0.10))


DEFECTS = {"scratch": scratch, "crack": crack, "stain": stain, "contamination": contamination}
"""Defects any family can show, drawn on its surface after the family drew its part (a family's own kinds, such
as a missing feature or a deformation, are drawn by the family)."""
