"""Seals: every write of a protected record appends an audit event carrying the record's digest.

Installed on the station's sessions as flush hooks, so no write path can forget it: a row
changed with sqlite3 no longer matches its newest seal, a row deleted leaves a seal with no
row, a row inserted leaves a row with no seal.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from ..storage.models import (Alarm, AuditEvent, Inspection, ModelRecord, Product, PromptSet, ReferenceBankRecord, Review,
                              SelftestResult, SelftestRun, TrustedKey, User)
from . import chain

# What a plant audits: decisions, people and their roles, the models, prompts and gate in use,
# self-test evidence, fail-safe alarms and the keys packs are trusted by.
PROTECTED = (Inspection, Review, User, ModelRecord, PromptSet, ReferenceBankRecord, SelftestRun, SelftestResult,
             Alarm, TrustedKey, Product)
TABLES = {cls.__tablename__: cls for cls in PROTECTED}
SEAL = "seal"  # the action of a seal event
DELETED = "deleted"  # the digest a deletion leaves
_TO_SEAL, _TO_DROP, _HOLD_HEAD = "audit_to_seal", "audit_to_drop", "audit_hold_head"
log = logging.getLogger("station.audit")


def _value(v):
    if isinstance(v, datetime):
        return chain._utc_naive(v)
    if isinstance(v, float):
        return repr(v)  # exact, and NaN compares equal to itself as text
    return v


def row_content(obj) -> dict:
    return {attr.key: _value(getattr(obj, attr.key)) for attr in inspect(type(obj)).column_attrs}


# Columns a migration added to a protected table after rows were sealed (table -> columns): a row sealed before
# its column existed was sealed without that key, and the column reads empty on it since the upgrade.
ADDED_LATER = {"inspection": ("product_id",), "product": ("recipe",)}


def _digest_of(content: dict) -> str:
    return hashlib.sha256(chain.canonical(content).encode("utf-8")).hexdigest()


def digest(obj) -> str:
    return _digest_of(row_content(obj))


def matches(obj, sealed_digest: str | None) -> bool:
    """Whether a seal's digest is this row's."""
    return sealed_digest is not None and content_matches(obj.__tablename__, row_content(obj), sealed_digest)


def content_matches(table: str, content: dict, sealed_digest: str) -> bool:
    """Whether a seal's digest is of `content` (a row of `table` as row_content gives it): of every column, or, for
    a row sealed before a later column was added (and still empty there), of the columns it had then. A later
    column with a value is always part of it."""
    if hmac.compare_digest(sealed_digest, _digest_of(content)):
        return True
    later = [k for k in ADDED_LATER.get(table, ()) if k in content and content[k] is None]
    return bool(later) and hmac.compare_digest(sealed_digest,
                                               _digest_of({k: v for k, v in content.items() if k not in later}))


def seal(session: Session, obj) -> None:
    chain.append(session, "system", SEAL, {}, (obj.__tablename__, obj.id, digest(obj)))


def matches_seal(session: Session, obj) -> bool:
    """At the moment a record is relied on (an account at sign-in, a trusted key, the live prompt set): is it
    what the station last wrote? Its newest seal must name its digest, and the seal itself be keyed and whole."""
    keys = chain.keys_of(session)
    if keys is None or keys.key() is None:
        return True  # an unkeyed database (tests, a bare URL) has nothing to check against
    with session.no_autoflush:
        sealed = session.scalar(select(AuditEvent).where(AuditEvent.record_table == obj.__tablename__,
                                                         AuditEvent.record_id == obj.id)
                                .order_by(AuditEvent.id.desc()).limit(1))
    if sealed is None or not matches(obj, sealed.record_digest) or not sealed.mac:
        return False
    return chain.is_whole(sealed) and hmac.compare_digest(sealed.mac, keys.mac(sealed.hash))


def _before_flush(session: Session, _context, _instances) -> None:
    todo = session.info.setdefault(_TO_SEAL, {})
    for obj in session.new:
        if isinstance(obj, PROTECTED):
            todo[id(obj)] = obj
    for obj in session.dirty:
        if isinstance(obj, PROTECTED) and session.is_modified(obj, include_collections=False):
            todo[id(obj)] = obj
    drops = session.info.setdefault(_TO_DROP, [])
    drops.extend((obj.__tablename__, obj.id) for obj in session.deleted if isinstance(obj, PROTECTED))


def _after_flush_postexec(session: Session, _context) -> None:
    todo = session.info.pop(_TO_SEAL, {})
    drops = session.info.pop(_TO_DROP, [])
    for obj in todo.values():
        seal(session, obj)
    for table, row_id in drops:
        chain.append(session, "system", SEAL, {"deleted": True}, (table, row_id, DELETED))


def _before_commit(session: Session) -> None:
    """The checkpoint moves forward only from an intact end: if the event it names is gone or rewritten, new
    events must not carry it past the evidence (an id reused by a new event would hide the deletion)."""
    keys = chain.keys_of(session)
    if keys is None or chain.pending_head(session) is None:
        return
    head, problem = keys.read_head()
    if head is None and not problem:
        return
    with session.no_autoflush:
        found = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == head.event_id)) if head else None
    if problem or found != head.event_hash:
        session.info[_HOLD_HEAD] = True
        log.error("audit checkpoint %s does not match the trail; it is kept where it is (run station audit verify)",
                  keys.head_path)


def _after_commit(session: Session) -> None:
    head = chain.committed_head(session)
    chain.forget_transaction(session)
    keys = chain.keys_of(session)
    if session.info.pop(_HOLD_HEAD, False):
        return
    if head is not None and keys is not None and head.id is not None:
        keys.write_head(head.id, head.hash)


def _after_rollback(session: Session) -> None:
    session.info.pop(_HOLD_HEAD, None)
    chain.committed_head(session)
    chain.forget_transaction(session)
    session.info.pop(_TO_SEAL, None)
    session.info.pop(_TO_DROP, None)


def install(sessions: sessionmaker) -> None:
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush_postexec", _after_flush_postexec)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_soft_rollback", lambda s, _t: _after_rollback(s))
