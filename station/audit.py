"""The append-only audit trail: each event carries the hash of the one before."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .storage.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _utc_naive(at: datetime) -> str:
    """One spelling of a timestamp whether the database kept its time zone or not."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def event_hash(prev_hash: str, at: datetime, actor: str, action: str, detail: dict) -> str:
    body = json.dumps({"prev": prev_hash, "at": _utc_naive(at), "actor": actor, "action": action, "detail": detail},
                      sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(session: Session, actor: str, action: str, **detail) -> AuditEvent:
    """Append one event inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(730101)"))  # one writer of the chain at a time
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev = last or GENESIS
    at = utcnow()
    detail = json.loads(json.dumps(detail, default=str))
    event = AuditEvent(at=at, actor=actor, action=action, detail=detail, prev_hash=prev,
                       hash=event_hash(prev, at, actor, action, detail))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify(session: Session) -> ChainCheck:
    prev, count = GENESIS, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)):
        count += 1
        if event.prev_hash != prev:
            return ChainCheck(count, event.id, "does not point at the event before it (a row was removed or inserted)")
        if event.hash != event_hash(event.prev_hash, event.at, event.actor, event.action, event.detail):
            return ChainCheck(count, event.id, "content does not match its hash (the row was edited)")
        prev = event.hash
    return ChainCheck(count, None)


def page(session: Session, before_id: int | None = None, limit: int = 100) -> list[AuditEvent]:
    """Newest first, keyset-paged so browsing stays fast on a long trail."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(AuditEvent.id < before_id)
    return list(session.scalars(q))
