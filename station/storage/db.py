"""Engine, sessions (with the audit trail's hooks) and schema upgrades.

SQLite (the default, in the data directory) gets WAL, foreign keys and
synchronous=FULL on every connection of the station's own engine. Any other
SQLAlchemy URL (PostgreSQL for a station on a database server) is used as it is.
Transactions are opened by the caller with `Database.transaction()`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StationError  # the one module of the project storage may use

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(StationError):
    """The database cannot be opened or upgraded; the message says what to check."""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'station.db'}"


# FULL: a committed transaction survives a power cut (WAL synced at every commit). NORMAL would lose the newest
# transactions, whose images are already on disk (start-up recovery would then quarantine them) and whose audit
# events the checkpoint already names. bench/durability.py measures the cost against NORMAL.
SYNCHRONOUS = "FULL"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(url: str, connect_timeout_s: int | None = None) -> Engine:
    """`connect_timeout_s`: how long a server database may take to answer a new connection (None: the driver's)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        timeout = {} if connect_timeout_s is None else {"connect_args": {"connect_timeout": connect_timeout_s}}
        engine = create_engine(url, pool_pre_ping=True, **timeout)
    return engine


def alembic_config(engine: Engine, migrations: Path = MIGRATIONS):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


# Alembic runs its migration scripts through module-wide proxies (alembic.context, alembic.op): two threads
# migrating at once (the station's database and the plant's, or two windows' first reads) would tear them down
# under each other. One migration at a time in this process.
MIGRATING = threading.Lock()


def upgrade(engine: Engine, revision: str = "head", migrations: Path = MIGRATIONS,
            advisory_lock: int | None = None) -> None:
    """Bring the schema to `revision` with Alembic (creates it on a new database): the station's, or another
    history (`migrations`: the plant's). `advisory_lock`: on PostgreSQL, held for the upgrade, so one process
    upgrades a database many share while the others wait."""
    from alembic import command

    cfg = alembic_config(engine, migrations)
    with MIGRATING, engine.begin() as connection:
        if advisory_lock is not None and engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_lock})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def schema_revision(engine: Engine, version_table: str = "alembic_version") -> str | None:
    """The Alembic revision the database is at (None: no schema yet); `version_table`: whose history."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": version_table}).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_current_head()


class Database:
    """The engine and sessions of one database. Storage alone: the audit trail attaches its hooks on top
    (station.records), and the schema is upgraded only when asked (`migrate`: the station that owns the database,
    `station db upgrade`) or created when there is none yet; a reader of an older schema is told to upgrade."""

    def __init__(self, url: str, migrate: bool = False, data_dir: Path | str | None = None):
        """`data_dir`: the folder of the station's own files (the audit key beside the database); for a SQLite
        file it defaults to the file's folder."""
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = make_engine(url)
        except ModuleNotFoundError as e:
            raise DatabaseError(
                f"no driver for {url.split(':', 1)[0]} ({e.name} is not installed); "
                "for PostgreSQL install the extra: pip install 'inspection-station[postgres]'"
            ) from e
        safe = self.engine.url.render_as_string(hide_password=True)
        try:
            current = schema_revision(self.engine)
            if migrate or current is None:
                upgrade(self.engine)
            elif current != head_revision():
                raise DatabaseError(f"the database at {safe} has schema {current}, this version of the station "
                                    f"needs {head_revision()}: stop every station on it, then run `station db "
                                    "upgrade` (a station that keeps its own database does it when it starts)")
        except DatabaseError:
            raise
        except Exception as e:
            raise DatabaseError(f"cannot open or upgrade the database at {safe}: {e}") from e
        if data_dir is None and url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            data_dir = Path(url.removeprefix("sqlite:///")).parent
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"data_dir": self.data_dir})

    @property
    def sessions(self) -> sessionmaker:
        """The session factory, for what attaches to every session (the audit trail's hooks and key)."""
        return self._sessions

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        with self._sessions() as session, session.begin():
            if self.engine.dialect.name == "sqlite":
                # take the write lock now, not at the first INSERT: what the transaction reads before writing
                # (the audit chain's last hash above all) cannot change under it, in this process or another
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def session(self) -> Session:
        """A session for reads; the caller closes it."""
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
