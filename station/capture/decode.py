"""Turn image files into the station's frame format: RGB, 8 bits per channel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from ..errors import StationError
from ..messages import Message


class ImageDecodeError(StationError):
    """The bytes are not a complete, readable image, or a larger one than the station accepts."""


# A 12000 x 12000 frame decodes to 2.4 GB: the header's size is checked before any pixel is decoded.
# 30 megapixels holds every industrial camera's full frame; [source] max_pixels changes it.
MAX_PIXELS = 30_000_000

# The formats of the station's image suffixes (capture.folder.IMAGE_SUFFIXES). Pillow recognises a file by its
# content, not its name: without this list a "part.png" holding EPS would run Ghostscript, and one holding DDS,
# PSD or another rarely used format would reach that plugin's less-tested code (DDS raises NotImplementedError).
READ_FORMATS = ("PNG", "JPEG", "BMP", "TIFF", "WEBP")


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


def _decode(image: Image.Image, name: str, max_pixels: int) -> np.ndarray:
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageDecodeError(Message("image.no_pixels", name=name, width=width, height=height))
    if width * height > max_pixels:
        raise ImageDecodeError(Message("image.too_large", name=name, width=width, height=height,
                                       pixels=width * height, limit=max_pixels))
    image.load()  # raises on truncated data
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return to_rgb8(np.asarray(image).astype(np.uint16 if image.mode != "I" else np.int32))
    if image.mode not in ("RGB", "L", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    return to_rgb8(np.asarray(image))


_UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError)


def _too_big(name: str, max_pixels: int, e: Exception) -> ImageDecodeError:
    """Pillow refuses huge headers at open, before our own check can run: the same message either way."""
    return ImageDecodeError(Message("image.too_large_header", name=name, limit=max_pixels, problem=str(e)))


def decode_bytes(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data), formats=READ_FORMATS) as image:
            return _decode(image, name, max_pixels)
    except Image.DecompressionBombError as e:
        raise _too_big(name, max_pixels, e) from e
    except _UNREADABLE as e:
        raise ImageDecodeError(Message("image.unreadable", name=name, problem=str(e))) from e


def decode_file(path: Path | str, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    path = Path(path)
    try:
        with Image.open(path, formats=READ_FORMATS) as image:
            return _decode(image, str(path), max_pixels)
    except Image.DecompressionBombError as e:
        raise _too_big(str(path), max_pixels, e) from e
    except FileNotFoundError as e:
        raise ImageDecodeError(Message("image.not_found", name=str(path))) from e
    except _UNREADABLE as e:
        raise ImageDecodeError(Message("image.unreadable", name=str(path), problem=str(e))) from e
