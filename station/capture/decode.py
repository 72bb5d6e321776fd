"""Turn image files into the station's frame format: RGB, 8 bits per channel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from ..errors import StationError


class ImageDecodeError(StationError):
    """The bytes are not a complete, readable image."""


def to_rgb8(array: np.ndarray) -> np.ndarray:
    """Grayscale, RGBA and 16-bit arrays to H x W x 3 uint8."""
    a = np.asarray(array)
    if a.dtype == np.uint16 or a.dtype == np.int32:
        a = (a.astype(np.uint32) >> 8).clip(0, 255).astype(np.uint8) if a.max() > 255 else a.astype(np.uint8)
    elif a.dtype == np.bool_:
        a = a.astype(np.uint8) * 255
    elif a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    elif a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    elif a.shape[2] == 4:
        a = a[..., :3]
    return np.ascontiguousarray(a)


def _decode(image: Image.Image) -> np.ndarray:
    image.load()  # raises on truncated data
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return to_rgb8(np.asarray(image).astype(np.uint16 if image.mode != "I" else np.int32))
    if image.mode not in ("RGB", "L", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    return to_rgb8(np.asarray(image))


def decode_bytes(data: bytes, name: str = "image") -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return _decode(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ImageDecodeError(f"{name}: not a readable image ({e})") from e


def decode_file(path: Path | str) -> np.ndarray:
    path = Path(path)
    try:
        with Image.open(path) as image:
            return _decode(image)
    except FileNotFoundError as e:
        raise ImageDecodeError(f"{path}: file not found") from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ImageDecodeError(f"{path}: not a readable image ({e})") from e
