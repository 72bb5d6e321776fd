"""The append-only audit trail: each event carries the hash of the one before and an HMAC of its own."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..storage.models import AuditEvent, utcnow
from .keys import AuditKeys

GENESIS = "0" * 64
KEYS = "audit_keys"  # session.info entries
_PREV = "audit_prev"
_HEAD = "audit_head"


def _utc_naive(at: datetime) -> str:
    """One spelling of a timestamp whether the database kept its time zone or not."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, at: datetime, actor: str, action: str, detail: dict,
               record: tuple[str, int, str] | None = None) -> str:
    body = {"prev": prev_hash, "at": _utc_naive(at), "actor": actor, "action": action, "detail": detail}
    if record is not None:  # events from before seals existed hash without the key
        body["record"] = list(record)
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def event_record(event: AuditEvent) -> tuple[str, int, str] | None:
    if event.record_table is None:
        return None
    return (event.record_table, event.record_id, event.record_digest or "")


def is_whole(event: AuditEvent) -> bool:
    """The event's content still gives its stored hash."""
    return event.hash == event_hash(event.prev_hash, event.at, event.actor, event.action, event.detail,
                                    event_record(event))


def keys_of(session: Session) -> AuditKeys | None:
    return session.info.get(KEYS)


def _last_hash(session: Session) -> str:
    with session.no_autoflush:
        return session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS


def append(session: Session, actor: str, action: str, detail: dict,
           record: tuple[str, int, str] | None = None) -> AuditEvent:
    """Add one event to the caller's transaction without flushing (safe inside a flush hook)."""
    if _PREV not in session.info:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(730101)"))  # one writer of the chain at a time
        session.info[_PREV] = _last_hash(session)
    prev = session.info[_PREV]
    at = utcnow()
    detail = json.loads(canonical(detail))
    digest = event_hash(prev, at, actor, action, detail, record)
    keys = keys_of(session)
    mac = keys.mac(digest) if keys is not None else ""
    event = AuditEvent(at=at, actor=actor[:64], action=action[:64], detail=detail, prev_hash=prev, hash=digest,
                       mac=mac, record_table=record[0] if record else None, record_id=record[1] if record else None,
                       record_digest=record[2] if record else None)
    session.add(event)
    session.info[_PREV] = digest
    session.info[_HEAD] = event
    return event


def record(session: Session, actor: str, action: str, **detail) -> AuditEvent:
    """Append one event inside the caller's transaction."""
    event = append(session, actor, action, detail)
    session.flush()
    return event


def forget_transaction(session: Session) -> None:
    """After a commit or rollback the next transaction reads the chain's end afresh (another process may append)."""
    session.info.pop(_PREV, None)


def pending_head(session: Session) -> AuditEvent | None:
    return session.info.get(_HEAD)


def committed_head(session: Session) -> AuditEvent | None:
    return session.info.pop(_HEAD, None)
