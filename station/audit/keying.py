"""The first start with an audit key: create it, and seal the records that exist already."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..storage.models import AuditEvent
from . import chain, seals
from .keys import AuditKeys

KEYED = "audit.keyed"  # the event that starts the keyed part of a trail


def ensure_keyed(sessions: sessionmaker, keys: AuditKeys) -> None:
    """A new station, or one from before keyed audit, gets its key. A keyed trail whose key is gone gets
    nothing: writing fails with AuditKeyMissing and `audit verify` reports it (no quiet re-keying)."""
    if keys.key() is not None:
        return
    with sessions() as s, s.begin():
        if s.scalar(select(AuditEvent.id).where(AuditEvent.mac != "").limit(1)) is not None:
            return
        try:
            keys.create()
        except FileExistsError:  # another process created it a moment ago and seals the records
            return
        try:
            sealed = {}
            for table, cls in seals.TABLES.items():
                known = set(s.scalars(select(AuditEvent.record_id).where(AuditEvent.record_table == table)))
                rows = [r for r in s.scalars(select(cls).order_by(cls.id)) if r.id not in known]
                for row in rows:
                    seals.seal(s, row)
                if rows:
                    sealed[table] = len(rows)
            chain.append(s, "system", KEYED, {"key_file": str(keys.key_path), "sealed_existing": sealed})
            s.flush()
        except BaseException:
            keys.key_path.unlink(missing_ok=True)
            raise
