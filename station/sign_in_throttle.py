"""Back-off after failed sign-ins, per account and per source (the command line, the window, a PLC address).

The first few failures cost nothing (people mistype); from then on each one doubles the wait before the next
attempt is even checked, up to five minutes. The counts live in the database, so one guesser starting a new
process for each try (the command line) is slowed as much as one that keeps a window open. A success clears the
account's count; a source's count lapses after a quiet spell.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .storage.models import SignInFailure

FREE_FAILURES = 3
MAX_WAIT_S = 300.0
FORGOTTEN_AFTER = timedelta(minutes=15)  # a source quiet this long starts again from nothing


def wait_after(failures: int) -> float:
    """Seconds before the next attempt after `failures` in a row."""
    return 0.0 if failures < FREE_FAILURES else min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT_S)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _row(session: Session, kind: str, key: str) -> SignInFailure | None:
    return session.scalar(select(SignInFailure).where(SignInFailure.kind == kind, SignInFailure.key == key[:160]))


def seconds_to_wait(session: Session, account: str, source: str, now: datetime | None = None) -> tuple[float, str]:
    """(seconds, "account" or "source") that the next attempt must still wait; (0, "") when it may go ahead."""
    now = now or datetime.now(timezone.utc)
    worst = (0.0, "")
    for kind, key in (("account", account), ("source", source)):
        row = _row(session, kind, key)
        if row is None:
            continue
        since = (now - _aware(row.last_at)).total_seconds()
        if kind == "source" and since > FORGOTTEN_AFTER.total_seconds():
            continue
        left = wait_after(row.count) - since
        if left > worst[0]:
            worst = (left, kind)
    return worst


def record_failure(session: Session, account: str, source: str, now: datetime | None = None) -> int:
    """Count one failure for both; returns the account's failures in a row."""
    now = now or datetime.now(timezone.utc)
    counts = {}
    for kind, key in (("account", account), ("source", source)):
        row = _row(session, kind, key)
        if row is None:
            row = SignInFailure(kind=kind, key=key[:160], count=0, last_at=now)
            session.add(row)
        elif kind == "source" and now - _aware(row.last_at) > FORGOTTEN_AFTER:
            row.count = 0
        row.count += 1
        row.last_at = now
        counts[kind] = row.count
    return counts["account"]


def record_success(session: Session, account: str) -> None:
    row = _row(session, "account", account)
    if row is not None:
        session.delete(row)
