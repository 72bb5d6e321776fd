"""The plant keys this station trusts to sign station packs: added and removed by a manager, every change audited.

A removed key keeps its row (marked inactive), so the trail and a later refusal can still name it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .auth import require
from .audit.seals import matches_seal
from .signing import SigningError, fingerprint, load_public_key, public_pem
from .storage.models import TrustedKey, User, utcnow

MIN_PREFIX = 12  # hex digits of a fingerprint that name a key without ambiguity in practice


def trust_key(session: Session, pem: bytes | str, name: str, user: User | None, origin: str = "public key",
              expected_fingerprint: str | None = None) -> TrustedKey:
    """Trust the Ed25519 public key in `pem` under a name people recognise ("Plant A")."""
    require(user, "keys.manage")
    name = name.strip()
    if not name or len(name) > 128:
        raise SigningError("give the key a name of 1 to 128 characters with --name, e.g. --name \"Plant A\"")
    key = load_public_key(pem, origin)
    fp = fingerprint(key)
    if expected_fingerprint is not None and expected_fingerprint.strip().lower() != fp:
        raise SigningError(f"{origin} has fingerprint {fp}, not {expected_fingerprint.strip()}: it is not the key "
                           "the plant announced; get the .pub file again and compare the fingerprint by phone")
    row = session.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fp))
    if row is not None and row.active:
        raise SigningError(f"key {fp} is already trusted as '{row.name}' (see: station keys list)")
    if row is None:
        row = TrustedKey(fingerprint=fp, public_key=public_pem(key), name=name, added_by=user.id, active=True)
        session.add(row)
    else:  # trusted again after a removal: one row per key
        row.name, row.added_by, row.added_at, row.active = name, user.id, utcnow(), True
    session.flush()
    audit.record(session, user.username, "keys.trust", fingerprint=fp, name=name)
    return row


def find_key(session: Session, fp: str) -> TrustedKey | None:
    """The key's row, trusted or removed; None when this station has never trusted it."""
    row = session.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fp))
    if row is None:
        return None
    # the row must hold the key it is named by, as the station wrote it: a key swapped in with sqlite3 is refused
    if fingerprint(load_public_key(row.public_key)) != row.fingerprint or not matches_seal(session, row):
        raise SigningError(f"the trusted key {fp[:16]}... was changed outside the station (it does not match its "
                           "fingerprint or audit seal); trust it again from its .pub file after `station audit verify`")
    return row


def list_keys(session: Session, include_removed: bool = False) -> list[TrustedKey]:
    q = select(TrustedKey).order_by(TrustedKey.added_at, TrustedKey.id)
    if not include_removed:
        q = q.where(TrustedKey.active.is_(True))
    return list(session.scalars(q))


def remove_key(session: Session, fp: str, user: User | None) -> TrustedKey:
    """Stop trusting a key (named by its fingerprint or a prefix of at least MIN_PREFIX hex digits)."""
    require(user, "keys.manage")
    fp = fp.strip().lower()
    if not re.fullmatch(f"[0-9a-f]{{{MIN_PREFIX},64}}", fp):
        raise SigningError(f"'{fp}' is not a key fingerprint: give at least {MIN_PREFIX} hex digits of one "
                           "(see: station keys list)")
    rows = [r for r in list_keys(session) if r.fingerprint.startswith(fp)]
    if not rows:
        raise SigningError(f"no trusted key has fingerprint {fp} (see: station keys list)")
    if len(rows) > 1:
        raise SigningError(f"{fp} matches {len(rows)} trusted keys; give more of the fingerprint")
    row = rows[0]
    row.active = False
    session.flush()
    audit.record(session, user.username, "keys.remove", fingerprint=row.fingerprint, name=row.name)
    return row
