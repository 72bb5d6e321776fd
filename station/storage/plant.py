"""The plant database's side of store and forward: every station's inspections in one table, each row keyed by the
station that made it and its own sequence (the station's inspection id), so a row sent again after an outage is
stored once, and where a station's rows end is where its forwarder takes up.

Images are not here: a row names its image by sha256, the object's name in the plant's object store
(station.storage.objects). The tables are made, and brought up to date, by the plant's own Alembic history
(plant_migrations, version table plant_schema_version) when first used.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    BigInteger, Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text, func, select, update,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .db import DatabaseError, make_engine, schema_revision, upgrade

STATION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

plant_metadata = MetaData()
plant_inspection = Table(
    "plant_inspection", plant_metadata,
    Column("station", String(64), primary_key=True),
    Column("sequence", Integer, primary_key=True, autoincrement=False),  # the station's own inspection id
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("source", String(256), nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("reason", String(512), nullable=False),
    Column("label_a", String(128), nullable=False),
    Column("conf_a", Float, nullable=False),
    Column("label_b", String(128), nullable=False),
    Column("conf_b", Float, nullable=False),
    Column("image_sha256", String(64), nullable=False),  # the frame in the object store
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("manual_mode", Boolean, nullable=False),
    Column("product", String(160), nullable=False),  # "nut v2"; empty: the settings' own classes
    Column("origin", Text, nullable=False),
    Column("sealed", Text, nullable=False),  # the station's row as its seal hashes it (canonical JSON)
)
plant_review = Table(
    "plant_review", plant_metadata,  # a reviewer's decision on a frame, sent after the frame itself
    Column("station", String(64), primary_key=True),
    Column("sequence", Integer, primary_key=True, autoincrement=False),  # the station's own review id
    Column("inspection", Integer, nullable=False),  # the frame's sequence at that station
    Column("label", String(128), nullable=False),
    Column("good", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewer", String(64), nullable=False),  # the reviewer's user name at that station ("" if unknown)
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("sealed", Text, nullable=False),  # the station's row as its seal hashes it (canonical JSON)
)
plant_station = Table(
    "plant_station", plant_metadata,  # what the desk needs to know of each station, as its forwarder last said
    Column("station", String(64), primary_key=True),
    Column("classes", Text, nullable=False),  # JSON: [{"key", "name", "name_ja", "good"}], what a reviewer picks
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("state", Text, nullable=False, server_default="{}"),  # JSON: self-tests due, backlog (the overview)
)
plant_selftest = Table(
    "plant_selftest", plant_metadata,  # a finished self-test run (PRM attack, backdoor probe) of a station
    Column("station", String(64), primary_key=True),
    Column("sequence", Integer, primary_key=True, autoincrement=False),  # the station's own run id
    Column("kind", String(32), nullable=False),
    Column("status", String(32), nullable=False),  # done | cancelled | failed | attack ineffective
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=False),  # its result in one line, as `station selftest history` says it
    Column("summary", Text, nullable=False),  # JSON, as the station stored it
)
plant_alarm = Table(
    "plant_alarm", plant_metadata,  # a fail-safe trip of a station, and when a manager reset it
    Column("station", String(64), primary_key=True),
    Column("sequence", Integer, primary_key=True, autoincrement=False),  # the station's own alarm id
    Column("kind", String(32), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("reset_at", DateTime(timezone=True), nullable=True),
    Column("detail", Text, nullable=False),  # JSON
)
plant_claim = Table(
    "plant_claim", plant_metadata,  # a desk reviewer has a frame on screen: no one else is shown it until expiry
    Column("station", String(64), primary_key=True),
    Column("inspection", Integer, primary_key=True, autoincrement=False),
    Column("reviewer", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
plant_desk_decision = Table(
    "plant_desk_decision", plant_metadata,  # one per frame (the key), taken back by the station that made it
    Column("station", String(64), primary_key=True),
    Column("inspection", Integer, primary_key=True, autoincrement=False),
    Column("label", String(128), nullable=False),
    Column("good", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(512), nullable=False),  # "": not taken back yet; "recorded"; or why the station did not
    Column("image_sha256", String(64), nullable=False),  # the picture the reviewer saw
    Column("payload", Text, nullable=False),  # what the desk signed (station.desk_decisions): the station reads this
    Column("signer", String(64), nullable=False),  # the desk key's fingerprint
    Column("signature", String(128), nullable=False),
)
plant_offer = Table(
    "plant_offer", plant_metadata,  # roll-out: a signed pack offered to the plant's stations (in the object store)
    Column("pack_sha256", String(64), primary_key=True),
    Column("products", Text, nullable=False),  # JSON: [{"name", "version", "sha256", "accepted_by"}] as signed there
    Column("signer", String(64), nullable=False),  # the plant key's fingerprint
    Column("signer_name", String(128), nullable=False),  # as the publishing station trusts it
    Column("foundation_sha256", String(64), nullable=False),  # the CLIP it was made on: a station needs the same
    Column("sequence", BigInteger, nullable=False),  # the pack's own number (newer packs count up)
    Column("published_by", String(160), nullable=False),  # "station/user"
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("size", BigInteger, nullable=False),
)
plant_audit = Table(
    "plant_audit", plant_metadata,  # each station's audit trail as it chained it (the MAC key stays at the station)
    Column("station", String(64), primary_key=True),
    Column("sequence", Integer, primary_key=True, autoincrement=False),  # the station's own event id
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=True),
    Column("record_table", String(32), nullable=True),
    Column("record_id", Integer, nullable=True),
    Column("record_digest", String(64), nullable=True),
)
Index("plant_audit_record", plant_audit.c.station, plant_audit.c.record_table, plant_audit.c.record_id)
Index("plant_inspection_waiting", plant_inspection.c.verdict, plant_inspection.c.created_at)
TABLES = {"inspection": plant_inspection, "review": plant_review, "audit": plant_audit}


def checked_station_name(name: str) -> str:
    """A station's name as records carry it: letters, digits, '.', '_', '-'; up to 64; starts with a letter or digit."""
    if not isinstance(name, str) or not STATION_NAME.fullmatch(name):
        raise DatabaseError(f"{name!r} is not a station name: use up to 64 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit (e.g. line-3-camera-1)")
    return name


PLANT_VERSION_TABLE = "plant_schema_version"  # the plant's own Alembic history, apart from any station's
PLANT_MIGRATIONS = Path(__file__).resolve().parent / "plant_migrations"
_UPGRADE_LOCK = 74_200_001  # PostgreSQL advisory lock: one station brings a plant up to date, the others wait


def upgrade_plant(engine, revision: str = "head") -> None:
    """Bring the plant's tables to this version's schema (creates them on a new plant database)."""
    upgrade(engine, revision, PLANT_MIGRATIONS, advisory_lock=_UPGRADE_LOCK)


def _json_list(text: str) -> list:
    """A JSON list as a row holds it; ValueError for anything else (a row that was not written by this code)."""
    found = json.loads(text)
    if not isinstance(found, list) or not all(isinstance(p, dict) for p in found):
        raise ValueError("not a list of objects")
    return found


def _json_list_or_none(text: str) -> list | None:
    try:
        return _json_list(text)
    except ValueError:
        return None


def plant_revision(engine) -> str | None:
    """The plant schema's Alembic revision (None: no plant tables yet)."""
    return schema_revision(engine, PLANT_VERSION_TABLE)


def aware(when: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class PlantUnreachable(DatabaseError):
    """The plant database does not answer now (network, server down): worth trying again later."""


DESK_BATCH = 100  # desk decisions a station takes back a pass
CONNECT_TIMEOUT_S = 10  # a plant database that does not answer is given up on this soon, then tried again later


class PlantDatabase:
    """The plant's shared database, as one station's forwarder writes it. Nothing is asked of it before the first
    use, so a station starts whether or not the plant answers; every call raises PlantUnreachable when it does not
    answer and DatabaseError (the driver's first line, never the statement) for anything else."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine = make_engine(url, connect_timeout_s=CONNECT_TIMEOUT_S)
        except (SQLAlchemyError, ModuleNotFoundError, ValueError) as e:
            raise DatabaseError(f"the plant database address {url.split('@')[-1]!r} cannot be used ({e}); "
                                "write it as postgresql+psycopg://user@host/database") from e
        self._ready = False

    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def connected(self, begin: bool = False):
        try:
            if not self._ready:  # the tables made or brought up to date (rights: see README); once is enough
                upgrade_plant(self.engine)
                self._ready = True
            with (self.engine.begin() if begin else self.engine.connect()) as c:
                yield c
        except SQLAlchemyError as e:
            why = str(getattr(e, "orig", None) or e).strip().splitlines()[0]  # the driver's own words, first line
            kind = PlantUnreachable if isinstance(e, OperationalError) else DatabaseError
            raise kind(f"the plant database {self._safe_url()} cannot be reached or used ({why}); check the "
                       "address, the network and the credentials") from None

    def position(self, station: str, kind: str = "inspection") -> int:
        """The highest sequence of `station`'s frames (or reviews) the plant holds (0: none yet)."""
        table = TABLES[kind]
        with self.connected() as c:
            found = c.scalar(select(func.max(table.c.sequence)).where(table.c.station == checked_station_name(station)))
        return int(found or 0)

    def image_of(self, station: str, sequence: int) -> str | None:
        """The image sha256 the plant holds for frame `sequence` of `station` (None: no such frame)."""
        with self.connected() as c:
            return c.scalar(select(plant_inspection.c.image_sha256).where(
                plant_inspection.c.station == station, plant_inspection.c.sequence == sequence))

    def audit_hash(self, station: str, sequence: int) -> str | None:
        """The hash of `station`'s audit event `sequence` as the plant holds it (None: no such event)."""
        with self.connected() as c:
            return c.scalar(select(plant_audit.c.hash).where(plant_audit.c.station == station,
                                                             plant_audit.c.sequence == sequence))

    def add(self, rows: list[dict], kind: str = "inspection") -> int:
        """Insert rows in one transaction, skipping any the plant already holds; returns how many were new."""
        if not rows:
            return 0
        table = TABLES[kind]
        statement = (self.insert(table).on_conflict_do_nothing(index_elements=["station", "sequence"])
                     .returning(table.c.sequence))  # what was new (psycopg gives no row count for this)
        with self.connected(begin=True) as c:
            return len(c.execute(statement, rows).all())

    def insert(self, table: Table):
        """An INSERT that can say what to do when the key is there already (ON CONFLICT), in this dialect."""
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            raise DatabaseError(f"the plant database must be PostgreSQL (or SQLite for one machine), not {dialect}")
        return insert(table)

    def introduce(self, station: str, classes: list[dict], state: dict) -> None:
        """Say what `station` is to the desk (the classes a reviewer picks from) and how it stands (self-tests due,
        backlog: the overview's), and that it was seen now."""
        row = {"station": checked_station_name(station), "classes": json.dumps(classes, ensure_ascii=False),
               "state": json.dumps(state, ensure_ascii=False), "seen_at": datetime.now(timezone.utc)}
        statement = self.insert(plant_station)
        statement = statement.on_conflict_do_update(index_elements=["station"], set_={
            "classes": statement.excluded.classes, "state": statement.excluded.state,
            "seen_at": statement.excluded.seen_at})
        with self.connected(begin=True) as c:
            c.execute(statement, row)

    def held(self, station: str, kind: str) -> dict[int, object]:
        """{sequence: reset_at} of `station`'s alarms, or {sequence: status} of its self-test runs, at the plant."""
        table, column = (plant_alarm, plant_alarm.c.reset_at) if kind == "alarm" else (plant_selftest,
                                                                                       plant_selftest.c.status)
        with self.connected() as c:
            return dict(c.execute(select(table.c.sequence, column).where(table.c.station == station)).all())

    def put(self, rows: list[dict], kind: str) -> None:
        """Insert `rows` (alarms or self-test runs), or bring the plant's copy up to them (an alarm reset since)."""
        if not rows:
            return
        table = plant_alarm if kind == "alarm" else plant_selftest
        statement = self.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["station", "sequence"],
            set_={c.name: statement.excluded[c.name] for c in table.columns if not c.primary_key})
        with self.connected(begin=True) as c:
            c.execute(statement, rows)

    def offer(self, row: dict) -> bool:
        """Offer a pack to the stations (once: False when it was offered already)."""
        statement = self.insert(plant_offer).on_conflict_do_nothing(index_elements=["pack_sha256"])
        with self.connected(begin=True) as c:
            return len(c.execute(statement.returning(plant_offer.c.pack_sha256), row).all()) == 1

    def offers(self) -> list[dict]:
        """Every pack offered, newest first (products decoded; None for a row whose products are not a JSON list
        of objects: any station may write a row, and one such row must not hide the others)."""
        with self.connected() as c:
            rows = c.execute(select(plant_offer).order_by(plant_offer.c.published_at.desc())).all()
        return [{**r._mapping, "products": _json_list_or_none(r.products), "published_at": aware(r.published_at)}
                for r in rows]

    def desk_decisions(self, station: str) -> list[dict]:
        """The desk's decisions on `station`'s frames that it has not taken back yet, oldest first."""
        t = plant_desk_decision
        with self.connected() as c:
            found = c.execute(select(t).where(t.c.station == station, t.c.outcome == "").order_by(t.c.decided_at)
                              .limit(DESK_BATCH))
            return [dict(r._mapping) for r in found]

    def desk_outcome(self, station: str, inspection: int, outcome: str) -> None:
        """What became of a desk decision at its station ("recorded", or why not), for the desk to show."""
        t = plant_desk_decision
        with self.connected(begin=True) as c:
            c.execute(update(t).where(t.c.station == station, t.c.inspection == inspection)
                      .values(outcome=outcome[:512]))

    def count(self, station: str | None = None, kind: str = "inspection") -> int:
        table = TABLES[kind]
        query = select(func.count()).select_from(table)
        if station is not None:
            query = query.where(table.c.station == station)
        with self.connected() as c:
            return int(c.scalar(query))

    def rows(self, station: str, kind: str = "inspection") -> list[dict]:
        table = TABLES[kind]
        with self.connected() as c:
            result = c.execute(select(table).where(table.c.station == station).order_by(table.c.sequence))
            return [dict(r._mapping) for r in result]

    def close(self) -> None:
        self.engine.dispose()
