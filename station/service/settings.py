"""Applying settings from the GUI (and packs): saved and audited, with what takes effect only after a restart."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth import User
from ..catalog import FAMILY_BY_KEY  # noqa: F401  (re-exported: what the window shows and edits)
from ..config import (  # noqa: F401
    CONFIG_NAME, SECTIONS, SOURCE_KINDS, ClassSpec, FailSafe, ScheduleSpec, SourceSpec, StationConfig, Thresholds,
    UiSpec, bounds,
)
from ..config_schema import read_at_start
from ..errors import InvalidInput
from ..messages import Message


@dataclass(frozen=True)
class AppliedSettings:
    changed: dict  # key -> [old, new]
    restart_needed: list[str]  # changed keys the running station uses only from its next start

    @property
    def nothing_changed(self) -> bool:
        return not self.changed


def apply_settings(station, user: User | None, new: StationConfig) -> AppliedSettings:
    """Validate, save and audit `new` (a manager only). A section with keys the station reads anew (for each frame,
    page or timer) applies at once; a key marked READ_AT_START is used from the next start."""
    from ..environment import overrides
    from ..settings import change_settings, changed_keys

    _, variables = overrides()
    fixed = [key for key in changed_keys(station.config, new) if key in variables]
    if fixed:  # saved, it would not be used: the environment's value wins at every start
        raise InvalidInput(Message("settings.from_environment", keys=", ".join(fixed),
                                   variables=", ".join(variables[k] for k in fixed)))
    changed = change_settings(station.db, station.data_dir, station.config, new, user)
    for section in SECTIONS:
        if not all(read_at_start(f"{section}.{name}") for name in getattr(new, section).__pydantic_fields__):
            setattr(station.config, section, getattr(new, section))
    return AppliedSettings(changed, [k for k in changed if read_at_start(k)])
