"""Running the line from the window: opening the station, its pipeline and PLC links, and the one job slot.

The window holds the slot while the line runs. The names re-exported here are what the window works with
(results, frame sources, the PLC trigger); it imports them from here, never from the core modules.
"""

from __future__ import annotations

from pathlib import Path

from ..capture import FrameSource  # noqa: F401  (re-exported for the window)
from ..capture.base import SourceEvent  # noqa: F401
from ..capture.triggered import Trigger, TriggeredSource  # noqa: F401
from ..decision import REVIEW  # noqa: F401
from ..jobs import Job, StationBusy  # noqa: F401
from ..links import RunningLinks, prepare_links, start_links  # noqa: F401
from ..pipeline import InspectionResult, Pipeline  # noqa: F401
from ..runtime import Station


def open_station(data_dir: Path | str) -> Station:
    """The station in `data_dir`, models loaded (seconds): StationError naming the problem when it cannot open."""
    return Station.open(Path(data_dir))


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
