"""The fail-safe's alarm for people: whether the station is in manual mode, and a manager's reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import failsafe
from ..auth import User, acting


@dataclass(frozen=True)
class OpenAlarm:
    raised_at: datetime
    kind: str
    detail: dict


def open_alarm(db) -> OpenAlarm | None:
    """The alarm that holds the station in manual mode; None: it decides on its own."""
    with db.session() as s:
        alarm = failsafe.open_alarm(s)
        return None if alarm is None else OpenAlarm(alarm.raised_at, alarm.kind, dict(alarm.detail or {}))


def reset_alarms(db, user: User | None, note: str = "") -> int:
    """A manager's reset (audited): every open alarm closed; how many."""
    with db.transaction() as s:
        return failsafe.reset(s, acting(s, user), note=note)
