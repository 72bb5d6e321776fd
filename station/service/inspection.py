"""Live inspection from the window: the line holds the station's one job slot while it runs."""

from __future__ import annotations

from ..jobs import Job, StationBusy  # noqa: F401  (re-exported: the window catches it from here)


class LineClaim:
    """The slot held for a running line; `release()` once it has stopped (safe to call twice)."""

    def __init__(self, station):
        self.station = station
        station.jobs.claim(Job.LIVE)  # StationBusy (a message naming what runs) when a self-test or tuning runs
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.station.jobs.release(Job.LIVE)


def claim_line(station) -> LineClaim:
    return LineClaim(station)
