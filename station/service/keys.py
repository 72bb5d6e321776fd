"""The plant keys that sign station packs, for the command line (and a window page when one comes): make a key
pair, trust a public key, list and remove trusted ones. Every change is a manager's, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import trusted_keys
from ..auth import User, acting
from ..signing import SigningError, generate_key_pair  # noqa: F401  (re-exported: `pack keygen`)

MAX_PUBLIC_KEY = 64 * 1024


@dataclass(frozen=True)
class PlantKey:
    fingerprint: str
    name: str
    added_at: datetime
    trusted: bool


def _key(row) -> PlantKey:
    return PlantKey(row.fingerprint, row.name, row.added_at, row.active)


def trust(db, user: User | None, public_key: Path | str, name: str, fingerprint: str | None = None) -> PlantKey:
    """Trust the public key in the file `public_key` as `name` (checked against `fingerprint` when given)."""
    try:
        with open(public_key, "rb") as f:
            pem = f.read(MAX_PUBLIC_KEY)
    except OSError as e:
        raise SigningError(f"{public_key}: cannot read the public key ({e.strerror})") from None
    with db.transaction() as s:
        return _key(trusted_keys.trust_key(s, pem, name, acting(s, user), origin=str(public_key),
                                           expected_fingerprint=fingerprint))


def plant_keys(db, include_removed: bool = False) -> list[PlantKey]:
    with db.session() as s:
        return [_key(r) for r in trusted_keys.list_keys(s, include_removed=include_removed)]


def remove(db, user: User | None, fingerprint: str) -> PlantKey:
    """Stop trusting a key (its fingerprint, or a prefix long enough to name one)."""
    with db.transaction() as s:
        return _key(trusted_keys.remove_key(s, fingerprint, acting(s, user)))
