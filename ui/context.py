"""What every page shares: the open station, its one pipeline and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from station.auth import PERMISSIONS
from station.pipeline import Pipeline
from station.runtime import Station
from station.storage.models import User


class Events(QObject):
    user_changed = Signal()
    prompts_changed = Signal()  # the live prompt set changed (activation, rollback)
    settings_changed = Signal()
    inspections_recorded = Signal()


@dataclass
class AppContext:
    station: Station
    pipeline: Pipeline
    user: User | None = None
    events: Events = field(default_factory=Events)
    # live inspection and self-tests both drive the station's models: one at a time
    busy_with: str = ""

    def claim(self, work: str) -> str:
        """Empty if `work` may start now (and is then marked running), else why not."""
        if self.busy_with and self.busy_with != work:
            return f"Wait until the {self.busy_with} has stopped: both use the station's models."
        self.busy_with = work
        return ""

    def release(self, work: str) -> None:
        if self.busy_with == work:
            self.busy_with = ""

    def schedule(self) -> tuple[list[str], str]:
        """The self-test schedule for display: lines and the most urgent status."""
        from station.selftest.schedule import schedule_summary

        with self.station.db.session() as s:
            return schedule_summary(s, self.station.config)

    def can(self, permission: str) -> bool:
        """What the GUI shows; `station` enforces the same rules itself."""
        return self.user is not None and self.user.active and self.user.role in PERMISSIONS[permission]

    @property
    def class_names(self) -> dict[str, str]:
        return self.station.class_names
