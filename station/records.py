"""The station's records as every part of it opens them: the database (station.storage) with the audit trail
attached (station.audit). Storage knows nothing of the audit; this is the one place the two are joined."""

from __future__ import annotations

from pathlib import Path

from .audit.attach import attach
from .storage.db import Database


def open_records(url: str, data_dir: Path | str | None = None, migrate: bool = False,
                 recover: bool = True) -> Database:
    """`migrate`: upgrade an older schema (the station that owns the database, `station db upgrade`); otherwise a
    new database is created and an older one refused with the way to upgrade it."""
    return attach(Database(url, migrate=migrate, data_dir=data_dir), recover=recover)


def database_url(config, data_dir: Path | str) -> str:
    """The database `config` names: the data folder's own SQLite file, or the shared server's URL with its
    password from the environment or its private file (station.environment), which station.toml never holds."""
    from .environment import database_url as with_password
    from .storage.db import sqlite_url

    if not config.database_url:
        return sqlite_url(data_dir)
    return with_password(config.database_url, config.database_password_file)
