"""The frame-source interface shared by every camera, file and generator."""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from ..errors import StationError

log = logging.getLogger("station.capture")


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # H x W x 3 RGB uint8
    index: int  # position in this source's stream, from 0
    origin: str  # file path, device or stream the frame came from
    timestamp: float = field(default_factory=time.time)
    truth: str | None = None  # known class key (synthetic frames only)
    trigger: int | None = None  # the PLC request this frame answers (hardware-trigger mode)


@dataclass(frozen=True)
class SourceEvent:
    kind: str  # "skipped", "lost", "reconnected"
    origin: str
    message: str
    timestamp: float = field(default_factory=time.time)


class SourceUnavailable(StationError):
    """The source cannot deliver frames (missing folder, camera that never answers)."""


EventHandler = Callable[[SourceEvent], None]


def _log_event(event: SourceEvent) -> None:
    level = logging.INFO if event.kind == "reconnected" else logging.WARNING
    log.log(level, "%s: %s", event.origin, event.message)


class FrameSource(ABC):
    """Iterate to get frames; iteration ends when the source has no more.

    Sources never raise for one bad frame: they report it through `on_event`
    (logged by default) and go on. `stop()` may be called from another thread.
    """

    def __init__(self, on_event: EventHandler | None = None):
        self._handlers: list[EventHandler] = [_log_event]
        if on_event:
            self._handlers.append(on_event)
        self._stopped = False
        self.events: list[SourceEvent] = []  # the last few, for display
        self._max_events = 100

    @property
    @abstractmethod
    def description(self) -> str: ...

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None when the stream has ended or `stop()` was called."""

    def add_event_handler(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    def close(self) -> None:
        """Release devices and files; safe to call twice."""

    def stop(self) -> None:
        self._stopped = True

    def _emit(self, kind: str, origin: str, message: str) -> None:
        event = SourceEvent(kind, origin, message)
        self.events.append(event)
        del self.events[: -self._max_events]
        for handler in self._handlers:
            handler(event)

    def __iter__(self):
        while (frame := self.read()) is not None:
            yield frame

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
