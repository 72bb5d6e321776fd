"""One long job at a time: live inspection, self-tests, tuning and bank builds all drive the same models.

The service layer claims the slot (station.service); a window or a command never names a job itself."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from enum import StrEnum

from .errors import StationError
from .messages import Message


class Job(StrEnum):
    LIVE = "live inspection"
    SELFTEST = "self-test"
    TUNING = "prompt tuning"
    BANK = "reference bank build"
    ONBOARDING = "product onboarding"


class StationBusy(StationError):
    """Another long job is using the station's models."""


class JobSlot:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: Job | None = None

    def claim(self, job: Job) -> None:
        """Mark `job` as running, or raise StationBusy naming what runs now (a second one of the same kind too)."""
        with self._lock:
            if self.current is not None:
                raise StationBusy(Message("jobs.busy", work=str(self.current)))
            self.current = job

    def release(self, job: Job) -> None:
        with self._lock:
            if self.current == job:
                self.current = None

    @contextmanager
    def running(self, job: Job):
        self.claim(job)
        try:
            yield
        finally:
            self.release(job)
