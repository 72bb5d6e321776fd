"""Frame sources: simulated camera, image folder, OpenCV device / file / stream."""

from .base import Frame, FrameSource, SourceEvent, SourceUnavailable
from .decode import ImageDecodeError, decode_bytes, decode_file
from .folder import FolderSource
from .opencv_source import OpenCVSource
from .synthetic import SyntheticSource
from .triggered import Trigger, TriggeredSource
from ..messages import Message
from ..errors import InvalidInput


def open_source(kind: str, target: str | None = None, **options) -> FrameSource:
    """Build a source from the words a person types: synthetic, folder PATH, video PATH, camera N, rtsp URL."""
    if kind == "synthetic":
        return SyntheticSource(**options)
    if target is None:
        raise InvalidInput(Message("source.target_needed", kind=kind))
    if kind == "folder":
        return FolderSource(target, **options)  # max_pixels: the settings' [source] max_pixels
    if kind == "video":
        return OpenCVSource(target, live=False, **options)
    if kind == "camera":
        try:
            index = int(target)
        except ValueError:
            raise InvalidInput(Message("source.bad_device", target=target)) from None
        return OpenCVSource(index, live=True, **options)
    if kind == "rtsp":
        return OpenCVSource(target, live=True, **options)
    raise InvalidInput(Message("source.unknown_kind", kind=kind))


__all__ = [
    "Frame", "FrameSource", "SourceEvent", "SourceUnavailable", "ImageDecodeError", "decode_bytes",
    "decode_file", "FolderSource", "OpenCVSource", "SyntheticSource", "Trigger", "TriggeredSource", "open_source",
]
