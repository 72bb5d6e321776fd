"""The one progress protocol of long work: report how far it is, and ask whether to stop.

The GUI's job threads, the CLI's progress lines and the tests all pass an object like this, so
every long function is written once and honours Cancel the same way (by raising `station.errors.Cancelled`).
"""

from __future__ import annotations

from typing import Callable, Protocol



class Progress(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...

    def should_stop(self) -> bool: ...


class Quiet:
    """No one is watching and no one can cancel."""

    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def should_stop(self) -> bool:
        return False


QUIET = Quiet()


class Callbacks:
    """A Progress made of two plain functions (either may be None)."""

    def __init__(self, report: Callable[[int, int, str], None] | None = None,
                 should_stop: Callable[[], bool] | None = None):
        self._report, self._should_stop = report, should_stop

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._report:
            self._report(done, total, text)

    def should_stop(self) -> bool:
        return bool(self._should_stop and self._should_stop())


class Announced:
    """Passes progress on and publishes it on the station's event stream as SelftestProgress."""

    def __init__(self, progress: Progress, events, kind: str):
        self.inner, self.events, self.kind = progress, events, kind

    def report(self, done: int, total: int, text: str = "") -> None:
        from .events import SelftestProgress

        self.inner.report(done, total, text)
        self.events.publish(SelftestProgress(self.kind, int(done), int(total), text))

    def should_stop(self) -> bool:
        return self.inner.should_stop()


__all__ = ["Progress", "Quiet", "QUIET", "Callbacks", "Announced"]
