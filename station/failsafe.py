"""The review-rate fail-safe's alarms: read and reset in the database, so every process sees the same state."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .auth import require
from .storage.models import Alarm, Inspection, User, utcnow


def open_alarm(session: Session) -> Alarm | None:
    """The newest alarm no manager has reset; while there is one the station is in manual mode."""
    return session.scalar(select(Alarm).where(Alarm.reset_at.is_(None)).order_by(Alarm.id.desc()).limit(1))


RESET_AFTER = "reset_after_inspection"  # in a reset alarm's detail: the newest inspection at the reset


def recent_verdicts(session: Session, window: int) -> list[str]:
    """The verdicts of the last `window` frames judged since the last manager's reset, oldest first: the fail-safe
    of a new process (each `station inspect`, a restarted line) takes up where the last one stopped, so that runs
    shorter than its minimum cannot each stay under the limit. By inspection id, the order rows were recorded in,
    never by a clock another host or a clock step could have set."""
    last = session.scalar(select(Alarm).where(Alarm.reset_at.is_not(None)).order_by(Alarm.id.desc()).limit(1))
    query = select(Inspection.verdict).where(Inspection.manual_mode.is_(False))
    if last is not None:
        after = (last.detail or {}).get(RESET_AFTER)
        if isinstance(after, int):
            query = query.where(Inspection.id > after)
        else:  # reset by a version that did not note its place: by its time
            query = query.where(Inspection.created_at > last.reset_at)
    return list(reversed(session.scalars(query.order_by(Inspection.id.desc()).limit(window)).all()))


def reset(session: Session, user: User | None, note: str = "") -> int:
    """A manager's reset: closes every open alarm (audited). Returns how many were closed."""
    require(user, "failsafe.reset")
    open_alarms = list(session.scalars(select(Alarm).where(Alarm.reset_at.is_(None))))
    newest = session.scalar(select(func.max(Inspection.id))) or 0  # the fail-safe counts afresh after it
    for alarm in open_alarms:
        alarm.reset_at, alarm.reset_by = utcnow(), user.id
        alarm.detail = {**(alarm.detail or {}), RESET_AFTER: newest}
    audit.record(session, user.username, "failsafe.reset", alarms=[a.id for a in open_alarms], note=note)
    return len(open_alarms)
