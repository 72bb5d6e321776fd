"""The station's records without its models, for commands that read or decide: they answer at once, beside a
running station. Service functions that need only records (`db`, `images`, `config`, `good`) take either this
or the open Station."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import ConfigError, load
from ..datalock import ensure_free as ensure_data_folder_free  # noqa: F401  (for commands, before the models)
from ..datalock import make_private
from ..records import database_url, open_records
from ..storage.db import Database, sqlite_url
from ..storage.images import ImageStore
from ..config_schema import StationConfig


@dataclass
class StationRecords:
    data_dir: Path
    config: StationConfig
    db: Database
    images: ImageStore
    own_config: StationConfig | None = None  # the settings' own values when `config` has a live product applied
    product: object = None  # station.products.live.LiveProduct, or None (the settings' classes)

    def close(self) -> None:
        self.db.close()


def open_database(data_dir: Path | str, starting: bool = False):
    """The database the settings name (the folder made private first: it holds password hashes). `starting`: for
    a command that starts the station (inspect, serve, the demo), which upgrades a SQLite database it owns, as
    the station itself does when it opens; a shared database is upgraded only by `station db upgrade`."""
    make_private(data_dir)
    cfg = load(Path(data_dir))
    return open_records(database_url(cfg, data_dir), data_dir, migrate=starting and not cfg.database_url)


def open_database_to_check(data_dir: Path | str):
    """The database for `audit verify`: the settings' one, or the folder's own SQLite file when the settings cannot
    be read (the check then reports the settings file as one of its findings); nothing is recovered or changed."""
    make_private(data_dir)
    try:
        url = database_url(load(Path(data_dir)), data_dir)
    except ConfigError:
        url = sqlite_url(data_dir)
    return open_records(url, data_dir, recover=False)


def upgrade_database(data_dir: Path | str) -> tuple[str | None, str]:
    """`station db upgrade`: bring the database the settings name to this version's schema (audited when it
    changed); (revision before, revision now). Whoever can reach the database runs it, before anyone signs in."""
    from .. import audit
    from ..storage.db import head_revision, make_engine, schema_revision

    url = database_url(load(Path(data_dir)), data_dir)
    engine = make_engine(url)  # the revision before anything else runs
    try:
        before = schema_revision(engine)
    finally:
        engine.dispose()
    db = open_records(url, data_dir, migrate=True)
    try:
        after = head_revision()
        if before != after:
            with db.transaction() as s:
                audit.record(s, "system", "db.upgrade", before=before, after=after)
    finally:
        db.close()
    return before, after


def check_station_records(db, data_dir: Path | str):
    """`station audit verify`: every event and every sealed record, one snapshot, read-only and without a
    sign-in (accounts, the trail or the key may be the very things that were damaged)."""
    from ..audit.station_check import check_station

    return check_station(db, data_dir)


def open_station_records(data_dir: Path | str) -> StationRecords:
    """The records alone (no models): with a live product, its classes are the station's (the review queue's
    labels); a product whose folder fails its seal leaves the settings' classes, and the station's start says why."""
    from ..models.files import ModelFileError
    from ..products.live import applied, live_product

    data_dir = Path(data_dir)
    db = open_database(data_dir)
    cfg = load(data_dir)
    try:
        product = live_product(db, data_dir)
    except ModelFileError:
        product = None
    return StationRecords(data_dir, applied(cfg, product) if product else cfg, db, ImageStore(data_dir / "images"),
                          cfg if product else None, product)


def has_product(records, name: str) -> bool:
    """Whether any version of `name` is recorded (reads the records only, imports no model)."""
    from sqlalchemy import select

    from ..storage.models import Product

    with records.db.session() as s:
        return s.scalar(select(Product.id).where(Product.name == name).limit(1)) is not None
