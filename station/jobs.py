"""One long job at a time: live inspection, self-tests, tuning and bank builds all drive the same models."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from .errors import StationError
from .messages import Message


class StationBusy(StationError):
    """Another long job is using the station's models."""


class JobSlot:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = ""

    def claim(self, work: str) -> None:
        """Mark `work` as running, or raise StationBusy naming what runs now."""
        with self._lock:
            if self.current and self.current != work:
                raise StationBusy(Message("jobs.busy", work=self.current))
            self.current = work

    def release(self, work: str) -> None:
        with self._lock:
            if self.current == work:
                self.current = ""

    @contextmanager
    def running(self, work: str):
        self.claim(work)
        try:
            yield
        finally:
            self.release(work)
