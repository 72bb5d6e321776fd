"""The audit trail attached to a database: its hooks on every session, its key and checkpoint beside the
database, keyed on first use, and a lost tail recorded (station.audit.tail)."""

from __future__ import annotations

from ..storage.db import Database
from .chain import KEYS
from .keying import ensure_keyed
from .keys import AuditKeys
from .seals import install
from .tail import recognise_lost_tail


def attach(db: Database, recover: bool = True) -> Database:
    """`recover=False` (a read-only check) leaves a lost tail to be found and recorded by the next writer."""
    keys = AuditKeys(db.data_dir) if db.data_dir is not None else None
    if keys is not None:
        db.sessions.configure(info={KEYS: keys, "data_dir": db.data_dir})
    install(db.sessions)
    if keys is not None:
        ensure_keyed(db.sessions, keys)
        if recover:
            recognise_lost_tail(db.sessions, keys)
    return db
