"""Frame sources: image folder, OpenCV device / file / stream, and any kind station.capture.kinds names (the
demo's simulated camera among them)."""

from .base import Frame, FrameSource, SourceEvent, SourceUnavailable
from .decode import ImageDecodeError, decode_bytes, decode_file
from .folder import FolderSource
from .kinds import KINDS
from .opencv_source import OpenCVSource
from .triggered import Trigger, TriggeredSource
from ..errors import InvalidInput
from ..messages import Message
from ..plugins import load


def open_source(kind: str, target: str | None = None, **options) -> FrameSource:
    """Build a source from the words a person types: synthetic, folder PATH, video PATH, camera N, rtsp URL."""
    if kind not in KINDS:
        raise InvalidInput(Message("source.unknown_kind", kind=kind))
    if KINDS[kind].needs_target and target is None:
        raise InvalidInput(Message("source.target_needed", kind=kind))
    return load(KINDS[kind].opener)(target, **options)


__all__ = [
    "Frame", "FrameSource", "SourceEvent", "SourceUnavailable", "ImageDecodeError", "decode_bytes",
    "decode_file", "FolderSource", "OpenCVSource", "Trigger", "TriggeredSource", "open_source", "KINDS",
]
