"""The audit trail: a keyed hash chain of events that also seals every protected record.

`record` appends an event; `verify` checks the chain, its key and checkpoint, and every
inspection, review, user, model, prompt set, bank, self-test result, alarm and trusted key
against its newest seal.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import AuditEvent
from .chain import GENESIS, append, event_hash, record
from .keys import AuditKeyMissing, AuditKeys
from .keying import ensure_keyed
from .seals import install
from .verify import AuditReport, Finding, verify

__all__ = ["AuditEvent", "AuditKeyMissing", "AuditKeys", "AuditReport", "Finding", "GENESIS", "append", "ensure_keyed",
           "event_hash", "install", "page", "record", "verify"]


def page(session: Session, before_id: int | None = None, limit: int = 100, seals: bool = False) -> list[AuditEvent]:
    """Newest first, keyset-paged so browsing stays fast on a long trail; record seals left out unless asked."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if not seals:  # row seals carry a record id; settings changes and all other events do not
        q = q.where(AuditEvent.record_id.is_(None))
    if before_id is not None:
        q = q.where(AuditEvent.id < before_id)
    return list(session.scalars(q))
