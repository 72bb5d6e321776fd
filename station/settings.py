"""Changing the station's settings: validated, saved atomically, audited.

Every saved version is sealed in the audit trail with its full content, so an edit made to
station.toml outside the station is found at the next start and recorded, old and new.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import config as config_mod
from .audit import chain
from .storage.models import AuditEvent
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


SETTINGS_RECORD = "settings"  # the seal's record_table (no record_id: one file, and the event is listed for people)


def snapshot(cfg: config_mod.StationConfig) -> dict:
    return _flatten(cfg.to_dict())


def digest(cfg: config_mod.StationConfig) -> str:
    return hashlib.sha256(chain.canonical(snapshot(cfg)).encode("utf-8")).hexdigest()


def seal(session: Session, cfg: config_mod.StationConfig, actor: str, action: str, **detail) -> None:
    chain.append(session, actor, action, {**detail, "settings": snapshot(cfg)}, (SETTINGS_RECORD, None, digest(cfg)))
    session.flush()


def last_sealed(session: Session) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).where(AuditEvent.record_table == SETTINGS_RECORD)
                          .order_by(AuditEvent.id.desc()).limit(1))


def record_outside_changes(db: Database, cfg: config_mod.StationConfig, path: Path | str) -> dict:
    """At start: the settings as loaded against the last sealed version. Returns {key: [old, new]} of what was
    changed outside the station (and audits it); the first start records the settings as they are."""
    with db.transaction() as s:
        last = last_sealed(s)
        if last is None:
            seal(s, cfg, "system", "settings.recorded", file=str(path))
            return {}
        changes = unrecorded_changes(s, cfg)
        added = _new_at_default(last.detail.get("settings", {}), changes)
        if added and len(added) == len(changes):  # a newer version's settings, at their defaults: nobody's edit
            seal(s, cfg, "system", "settings.recorded", file=str(path), new_keys=sorted(added))
            return {}
        if not changes:
            return {}
        seal(s, cfg, "system", "settings.changed_outside", file=str(path), changes=changes)
        return changes


def _new_at_default(recorded: dict, changes: dict) -> set[str]:
    """The changed keys the recorded settings did not have at all and whose value is this version's default."""
    defaults = snapshot(config_mod.StationConfig())
    return {k for k, (_, new) in changes.items() if k not in recorded and k in defaults and defaults[k] == new}


def unrecorded_changes(session: Session, cfg: config_mod.StationConfig) -> dict:
    """{key: [recorded, in the file]}: edits to station.toml not yet recorded (the next start records them)."""
    last = last_sealed(session)
    if last is None or last.record_digest == digest(cfg):
        return {}
    return _differences(last.detail.get("settings", {}), snapshot(cfg))


def _differences(a: dict, b: dict) -> dict:
    return {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def changed_keys(old: config_mod.StationConfig, new: config_mod.StationConfig) -> dict:
    """{key: [old, new]} for every setting that differs (classes compared as a whole)."""
    return _differences(snapshot(old), snapshot(new))


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
        seal(s, new, user.username, "settings.change", changes=diff)
        config_mod.save(new, data_dir)  # inside the transaction: a failed write leaves no audit event
    return diff
