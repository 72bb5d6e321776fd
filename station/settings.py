"""Changing the station's settings: validated, saved atomically, audited."""

from __future__ import annotations

from pathlib import Path

from . import audit
from . import config as config_mod
from .auth import require
from .storage.db import Database
from .storage.models import User


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def changed_keys(old: config_mod.StationConfig, new: config_mod.StationConfig) -> dict:
    """{key: [old, new]} for every setting that differs (classes compared as a whole)."""
    a, b = _flatten(old.to_dict()), _flatten(new.to_dict())
    return {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def change_settings(db: Database, data_dir: Path, old: config_mod.StationConfig, new: config_mod.StationConfig,
                    user: User | None) -> dict:
    """Save `new` if it is valid and the user may; returns what changed (empty: nothing saved).

    Model and database changes take effect when the station is next started.
    """
    require(user, "settings.change")
    config_mod.validate(new, Path(data_dir) / config_mod.CONFIG_NAME)
    diff = changed_keys(old, new)
    if not diff:
        return {}
    with db.transaction() as s:
        audit.record(s, user.username, "settings.change", changes=diff)
        config_mod.save(new, data_dir)  # inside the transaction: a failed write leaves no audit event
    return diff
