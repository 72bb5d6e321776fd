"""Hardware-trigger mode: one frame per trigger (a PLC saying "a part is in place"), not every frame.

The trigger is fired from any thread (a PLC link's event loop, a button); each fire is one pending request,
so two fires before the first frame is read give two frames. `TriggeredSource.read()` waits for a request,
then takes the inner source's next frame.
"""

from __future__ import annotations

import threading
from typing import Callable

from .base import EventHandler, Frame, FrameSource


class Trigger:
    """Pending frame requests, counted; safe to fire from any thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending = 0
        self.fired = 0  # every request since the start, for status lines

    def fire(self, count: int = 1) -> None:
        with self._cond:
            self._pending += count
            self.fired += count
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        with self._cond:
            return self._pending

    def take(self, stopped: Callable[[], bool], timeout: float | None = None) -> bool:
        """Wait for a request and take it: True; False when `stopped()` turned true (or `timeout` passed) first."""
        with self._cond:
            self._cond.wait_for(lambda: self._pending > 0 or stopped(), timeout)
            if self._pending > 0 and not stopped():
                self._pending -= 1
                return True
            return False

    def wake(self) -> None:
        """Make waiting `take` calls look at their `stopped()` again."""
        with self._cond:
            self._cond.notify_all()


class TriggeredSource(FrameSource):
    """`inner`'s frames, one per trigger request; `read()` blocks until a request or `stop()`."""

    def __init__(self, inner: FrameSource, trigger: Trigger, on_event: EventHandler | None = None):
        super().__init__(on_event)
        self.inner, self.trigger = inner, trigger

    @property
    def description(self) -> str:
        return f"{self.inner.description}, one frame per trigger"

    def read(self) -> Frame | None:
        if not self.trigger.take(lambda: self._stopped):
            return None
        return self.inner.read()

    def stop(self) -> None:
        super().stop()
        self.inner.stop()
        self.trigger.wake()

    def close(self) -> None:
        self.inner.close()

    def add_event_handler(self, handler: EventHandler) -> None:
        super().add_event_handler(handler)
        self.inner.add_event_handler(handler)  # lost camera, skipped files: the inner source reports them
