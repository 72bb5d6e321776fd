"""Applying settings from the GUI (and packs): saved and audited, with what takes effect only after a restart."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth import User
from ..catalog import FAMILY_BY_KEY  # noqa: F401  (re-exported: what the window shows and edits)
from ..config import (  # noqa: F401
    CONFIG_NAME, SOURCE_KINDS, ClassSpec, FailSafe, ScheduleSpec, SourceSpec, StationConfig, Thresholds, UiSpec, bounds,
)

# sections the running station reads anew for each frame, page or timer; the rest are read at start
LIVE_SECTIONS = ("thresholds", "source", "ui", "schedule")
STARTUP_KEYS = ("ui.language",)  # in a live section, but read once, before the window opens


@dataclass(frozen=True)
class AppliedSettings:
    changed: dict  # key -> [old, new]
    restart_needed: list[str]  # changed keys the running station uses only from its next start

    @property
    def nothing_changed(self) -> bool:
        return not self.changed


def apply_settings(station, user: User | None, new: StationConfig) -> AppliedSettings:
    """Validate, save and audit `new` (a manager only); the live sections apply at once."""
    from ..settings import change_settings

    changed = change_settings(station.db, station.data_dir, station.config, new, user)
    for section in LIVE_SECTIONS:
        setattr(station.config, section, getattr(new, section))
    later = [k for k in changed if k.split(".", 1)[0] not in LIVE_SECTIONS or k in STARTUP_KEYS]
    return AppliedSettings(changed, later)
