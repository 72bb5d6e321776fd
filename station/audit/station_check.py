"""The whole check a manager asks for: the trail and its records, and station.toml against its last seal."""

from __future__ import annotations

from pathlib import Path

from .verify import AuditReport, verify


def check_station(db, data_dir: Path | str) -> AuditReport:
    from .. import config as config_mod  # settings sit above the audit trail
    from ..settings import unrecorded_changes

    with db.session() as s:
        report = verify(s)
        try:
            edits = unrecorded_changes(s, config_mod.load(data_dir))
        except config_mod.ConfigError as e:
            report.add(config_mod.CONFIG_NAME, f"cannot be read, so it cannot be compared with its seal: {e}")
            edits = {}
    if edits:
        report.add(config_mod.CONFIG_NAME, "edited outside the station and not yet recorded (the next start records "
                   "it): " + "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in edits.items()))
    return report
