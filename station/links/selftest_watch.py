"""Keeps the line state's self-test flags current: the schedule re-read about once a minute, never per frame.

Self-tests come due by the clock (days), so a minute's delay costs nothing and the database is not asked
for every frame. A failing read is logged and tried again at the next tick; it never stops the line.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone

from .line_state import LineState

log = logging.getLogger("station.links")

EVERY_S = 60.0


def read_selftests(station) -> tuple[list[str], bool]:
    """(kinds due or overdue, whether any is overdue) under the station's schedule, now: what the screens read."""
    from ..selftest.schedule import station_schedule

    states, most_urgent = station_schedule(station)
    now = datetime.now(timezone.utc)
    return [st.kind for st in states if st.status(now) in ("due", "overdue")], most_urgent == "overdue"


class SelftestWatch:
    def __init__(self, station, line: LineState, every_s: float = EVERY_S):
        self.station, self.line, self.every_s = station, line, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> None:
        try:
            due, overdue = read_selftests(self.station)
        except Exception:  # the database may be busy or gone for a moment: the next tick tries again
            log.warning("could not read the self-test schedule", exc_info=True)
            return
        self.line.set_selftests(due, overdue)

    def start(self) -> None:
        self.refresh()  # at once, so a PLC never sees a stale "nothing due" for the first minute
        self._thread = threading.Thread(target=self._run, name="selftest-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.refresh()
