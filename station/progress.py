"""The one progress protocol of long work: report how far it is, and ask whether to stop.

Every long function takes one `progress: Progress = QUIET`, calls `progress.report(done, total, text)` as it
goes (`text` a `station.messages.Message` wherever a window shows it) and raises `station.errors.Cancelled`
when `progress.should_stop()`. The GUI's job threads, the CLI's progress lines and the tests all pass such an
object, so every long function is written once and honours Cancel the same way. Work made of parts hands each
part a `Share` of its own count.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Protocol

from .errors import Cancelled


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


class Share:
    """One part of a longer job: the part counts its own steps from 0; they land on the outer count from `base`
    (of `total`; None: the part's own total), worded by `word(done, total, text)` when given; stopping is the
    outer job's."""

    def __init__(self, outer: Progress, base: int = 0, total: int | None = None,
                 word: Callable[[int, int, str], str] | None = None, span: int | None = None):
        # span: the part fills this many of the outer steps whatever its own count (its done/total scaled to it)
        self.outer, self.base, self.total, self.word, self.span = outer, base, total, word, span

    def report(self, done: int, total: int, text: str = "") -> None:
        step = done if self.span is None else int(self.span * done / max(total, 1))
        self.outer.report(self.base + step, total if self.total is None else self.total,
                          self.word(done, total, text) if self.word else text)

    def should_stop(self) -> bool:
        return self.outer.should_stop()


def stop_if_asked(progress: Progress, what: str) -> None:
    """Raise Cancelled("<what> cancelled") when the person asked to stop: the one way long work ends early."""
    if progress.should_stop():
        raise Cancelled(f"{what} cancelled")


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


class PrintedProgress:
    """A command line's Progress: lines on stderr, `  <stage> done/total percent  <what>`, one every
    two seconds at most, and always a part's first and last (`every`: each line, for the few worth reading).
    Ctrl-C stops a command, so it never asks to stop."""

    def __init__(self, stage: str, quiet: bool = False, every: bool = False):
        self.stage, self.quiet, self.every = stage, quiet, every
        self.last_t, self.last_total = 0.0, None

    def report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if self.quiet:
            return
        if not self.every and total == self.last_total and done < total and now - self.last_t < 2.0:
            return
        self.last_t, self.last_total = now, total
        print(f"  {self.stage:<22} {done:>7}/{total:<7} {100 * done / max(total, 1):5.1f}%  {text}", file=sys.stderr,
              flush=True)

    def should_stop(self) -> bool:
        return False


__all__ = ["Progress", "Quiet", "QUIET", "Callbacks", "Share", "stop_if_asked", "Announced", "PrintedProgress"]
