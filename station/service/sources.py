"""Opening the frame source the settings (or the person) name, the same way everywhere."""

from __future__ import annotations

import time

from ..capture import FrameSource, open_source  # noqa: F401  (open_source: `capture check`)
from ..config import StationConfig
from ..errors import StationError
from ..messages import Message


class SourceChoiceError(StationError):
    """A source was asked for without what it needs (a folder, a device number, a URL)."""


def open_configured_source(config: StationConfig, kind: str | None = None, target: str | None = None, *,
                           seed: int | None = None, defect_rate: float | None = None,
                           family: str | None = None, fps: float | None = None) -> FrameSource:
    """The settings' [source], with any of its values overridden by the caller.

    A simulated camera without a seed in settings (0) and without one given draws a new sequence each time.
    """
    src = config.source
    kind = kind or src.kind
    if kind == "synthetic":
        if seed is None:
            seed = src.seed or int(time.time())
        return open_source("synthetic", seed=seed, defect_rate=src.defect_rate if defect_rate is None else defect_rate,
                           family=family or src.family, fps=(src.fps if fps is None else fps) or None)
    target = target if target is not None else (src.target if kind == src.kind else "")
    if not target:
        raise SourceChoiceError(Message("source.needs_target", kind=kind))
    return open_source(kind, target, **({"max_pixels": src.max_pixels} if kind == "folder" else {}))
