"""The review-rate fail-safe's alarms: read and reset in the database, so every process sees the same state."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .auth import require
from .storage.models import Alarm, User, utcnow


def open_alarm(session: Session) -> Alarm | None:
    """The newest alarm no manager has reset; while there is one the station is in manual mode."""
    return session.scalar(select(Alarm).where(Alarm.reset_at.is_(None)).order_by(Alarm.id.desc()).limit(1))


def reset(session: Session, user: User | None, note: str = "") -> int:
    """A manager's reset: closes every open alarm (audited). Returns how many were closed."""
    require(user, "failsafe.reset")
    open_alarms = list(session.scalars(select(Alarm).where(Alarm.reset_at.is_(None))))
    for alarm in open_alarms:
        alarm.reset_at, alarm.reset_by = utcnow(), user.id
    audit.record(session, user.username, "failsafe.reset", alarms=[a.id for a in open_alarms], note=note)
    return len(open_alarms)
