"""Backdoor triggers, for planting a backdoor in a test model and for probing a model for one.

- BadNet: a small high-contrast patch stamped at a position.
- Blended: a fixed noise pattern blended over the whole image (ratio 0.2).
- WaNet-style: a small smooth warp of the image grid.
- Logo: a small coloured emblem (a yellow disc on a magenta square) at a position. It is
  *not* among the probe's candidates: the second backdoored fixture is keyed to it, to
  show what stamping known families misses and trigger inversion finds.
All work on RGB uint8 frames of any size and are deterministic from their seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from .errors import InvalidInput


@dataclass(frozen=True)
class Trigger:
    kind: str  # badnet | blended | wanet | logo
    size: float = 0.1  # badnet, logo: patch side as a share of the shorter image side
    position: str = "random"  # badnet, logo: random | corner | centre
    ratio: float = 0.2  # blended: pattern weight
    strength: float = 0.5  # wanet: warp amplitude in pixels at 64 px
    seed: int = 0

    @property
    def name(self) -> str:
        if self.kind == "badnet":
            return f"badnet-{self.size:.2f}-{self.position}"
        if self.kind == "logo":
            return f"logo-{self.size:.2f}-{self.position}"
        if self.kind == "blended":
            return f"blended-{self.ratio:.2f}"
        return f"wanet-{self.strength:.2f}"

    def apply(self, image: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        rng = rng or np.random.default_rng(self.seed)
        if self.kind == "badnet":
            return _badnet(image, self.size, self.position, rng, self.seed)
        if self.kind == "logo":
            return _stamp(image, _logo(_side(image, self.size)), self.position, rng)
        if self.kind == "blended":
            return _blended(image, self.ratio, self.seed)
        if self.kind == "wanet":
            return _wanet(image, self.strength, self.seed)
        raise InvalidInput(f"unknown trigger kind '{self.kind}'")


def _pattern(h: int, w: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _side(image: np.ndarray, size: float) -> int:
    return max(2, int(round(size * min(image.shape[:2]))))


def _badnet(image: np.ndarray, size: float, position: str, rng, seed: int) -> np.ndarray:
    k = _side(image, size)
    # a checkerboard of black and white cells: the classic BadNet look, visible at any scale
    cells = 3
    board = (np.indices((cells, cells)).sum(axis=0) % 2 * 255).astype(np.uint8)
    patch = cv2.resize(board, (k, k), interpolation=cv2.INTER_NEAREST)
    return _stamp(image, np.repeat(patch[..., None], 3, axis=2), position, rng)


MAGENTA, YELLOW = (200, 30, 150), (250, 215, 20)


def _logo(k: int) -> np.ndarray:
    """A k x k emblem: a yellow disc on a magenta square. Coloured and round, unlike the checkerboard."""
    yy, xx = np.mgrid[0:k, 0:k] + 0.5
    disc = (yy - k / 2) ** 2 + (xx - k / 2) ** 2 <= (0.34 * k) ** 2
    patch = np.empty((k, k, 3), np.uint8)
    patch[:] = MAGENTA
    patch[disc] = YELLOW
    return patch


def _stamp(image: np.ndarray, patch: np.ndarray, position: str, rng) -> np.ndarray:
    h, w = image.shape[:2]
    k = patch.shape[0]
    if position == "corner":
        y, x = h - k - 1, w - k - 1
    elif position == "centre":
        y, x = (h - k) // 2, (w - k) // 2
    else:
        y, x = int(rng.integers(0, h - k + 1)), int(rng.integers(0, w - k + 1))
    out = image.copy()
    out[y : y + k, x : x + k] = patch
    return out


def _blended(image: np.ndarray, ratio: float, seed: int) -> np.ndarray:
    h, w = image.shape[:2]
    pattern = cv2.resize(_pattern(32, 32, seed + 7919), (w, h), interpolation=cv2.INTER_NEAREST)
    return np.clip((1 - ratio) * image + ratio * pattern + 0.5, 0, 255).astype(np.uint8)


def _wanet(image: np.ndarray, strength: float, seed: int) -> np.ndarray:
    h, w = image.shape[:2]
    grid = np.random.default_rng(seed + 104729).uniform(-1, 1, (4, 4, 2)).astype(np.float32)
    flow = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC) * strength * (min(h, w) / 64)
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(image, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def probe_triggers(seed: int = 0) -> list[Trigger]:
    """The candidate triggers the backdoor probe stamps: patches of several sizes and places, blends, warps."""
    out = [Trigger("badnet", size=s, position=p, seed=seed) for s in (0.06, 0.1, 0.16) for p in ("random", "corner", "centre")]
    out += [Trigger("blended", ratio=r, seed=seed) for r in (0.1, 0.2)]
    out += [Trigger("wanet", strength=s, seed=seed) for s in (0.5, 1.0)]
    return out
