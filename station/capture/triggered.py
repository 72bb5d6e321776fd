"""Hardware-trigger mode: one frame per trigger (a PLC saying "a part is in place"), not every frame.

Every request is numbered (1, 2, ...). The frame taken for a request carries its number, and so does the
decision the station publishes, so a PLC can wait for the answer to its own request: a repeated write (a
client's retry) or a request nobody took can then never shift a verdict onto the next part. At most
MAX_PENDING requests wait; more are refused (a flood, a stuck retry loop), and a new run starts with none
waiting, so requests left from before it are never answered with a later part's frame.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import replace
from typing import Callable

from .base import EventHandler, Frame, FrameSource
from ..messages import Message

MAX_PENDING = 4


class Trigger:
    """Pending frame requests, numbered; safe to fire from any thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: deque[int] = deque()
        self.received = 0  # the number of the newest accepted request (0: none yet)
        self.refused = 0  # requests turned away because MAX_PENDING were waiting
        self._listeners: list[Callable[[int], None]] = []

    @property
    def fired(self) -> int:
        return self.received

    def fire(self) -> int | None:
        """Request one frame: the request's number, or None when too many are waiting already."""
        with self._cond:
            if len(self._pending) >= MAX_PENDING:
                self.refused += 1
                return None
            self.received += 1
            number = self.received
            self._pending.append(number)
            self._cond.notify_all()
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener(number)
        return number

    def add_listener(self, listener: Callable[[int], None]) -> None:
        """`listener(number)` after each accepted request, on the firing thread (hand it on, never block)."""
        with self._cond:
            self._listeners.append(listener)

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def take(self, stopped: Callable[[], bool], timeout: float | None = None) -> int | None:
        """Wait for a request and take it: its number; None when `stopped()` turned true (or `timeout` passed)."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._pending) or stopped(), timeout)
            if self._pending and not stopped():
                return self._pending.popleft()
            return None

    def clear(self) -> int:
        """Drop every waiting request (they will not be answered); how many there were."""
        with self._cond:
            dropped = len(self._pending)
            self._pending.clear()
            return dropped

    def wake(self) -> None:
        """Make waiting `take` calls look at their `stopped()` again."""
        with self._cond:
            self._cond.notify_all()


class TriggeredSource(FrameSource):
    """`inner`'s frames, one per trigger request; `read()` blocks until a request or `stop()`."""

    def __init__(self, inner: FrameSource, trigger: Trigger, on_event: EventHandler | None = None):
        super().__init__(on_event)
        self.inner, self.trigger = inner, trigger
        trigger.clear()  # requests from before this run would be answered with a later part's frame

    @property
    def description(self) -> str:
        return Message("source.triggered", inner=self.inner.description)

    def read(self) -> Frame | None:
        number = self.trigger.take(lambda: self._stopped)
        if number is None:
            return None
        frame = self.inner.read()
        return None if frame is None else replace(frame, trigger=number)

    def stop(self) -> None:
        super().stop()
        self.inner.stop()
        self.trigger.wake()

    def close(self) -> None:
        self.inner.close()

    def add_event_handler(self, handler: EventHandler) -> None:
        super().add_event_handler(handler)
        self.inner.add_event_handler(handler)  # lost camera, skipped files: the inner source reports them
