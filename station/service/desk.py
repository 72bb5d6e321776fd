"""The plant's central review desk, for the desk window and the command line: every station's waiting frames from
the plant database and object store, decided with the keys of the station review page. No models and no torch:
the desk machine holds only its own accounts (who may review) and the [plant] settings of its data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import audit
from ..auth import User, acting, require
from ..desk_decisions import MAX_NOTE, signed_decision
from ..errors import InvalidInput
from ..signing import load_private_key
from ..review import NO_PART_LABEL
from ..storage.plant import PlantDatabase
from ..storage import plant_overview
from ..storage.plant_overview import LineFigures, StationStanding  # noqa: F401 (for the window)
from ..storage.plant_desk import CLAIM_S, DeskClass, DeskConflict, DeskFrame, PlantDesk  # noqa: F401 (for the window)
from .plant import plant_database, plant_objects
from .records import StationRecords, open_station_records


@dataclass(frozen=True)
class Overview:
    lines: list  # LineFigures per station and product
    stations: list  # StationStanding per station
    hourly: dict  # station -> [(hour, parts, sent to review)], oldest first


@dataclass
class Desk:
    records: StationRecords  # the desk machine's own: its accounts and its audit trail
    plant: PlantDatabase
    objects: object  # the plant's object store (station.storage.objects)
    key: object | None  # the desk's private key: it signs every decision (station.desk_decisions)

    def close(self) -> None:
        self.plant.close()
        self.records.close()

    def reviewing(self, user: User | None) -> PlantDesk:
        """The plant as `user` reviews it; PermissionDenied unless they may review (as the database has them now)."""
        with self.records.db.session() as s:
            require(acting(s, user), "review")
        return PlantDesk(self.plant, user.username)

    def waiting(self, station: str | None = None, product: str | None = None,
                limit: int = 50) -> tuple[list[DeskFrame], int]:
        """The oldest waiting frames no reviewer holds, and how many wait (counted up to 1,001)."""
        reading = PlantDesk(self.plant, reviewer="")
        return (reading.page(station=station, product=product, limit=limit),
                reading.waiting_count(station=station, product=product))

    def overview(self, hours: float = 24.0) -> Overview:
        """The plant overview over the last `hours` (the hourly trend: the last 24 hours, or `hours` if longer, up
        to a week)."""
        trend_hours = int(min(max(hours, 24), 24 * 7))
        return Overview(plant_overview.figures(self.plant, hours), plant_overview.standings(self.plant, hours),
                        plant_overview.hourly(self.plant, trend_hours))

    def image(self, frame: DeskFrame) -> bytes:
        """The frame's image from the object store, verified against its sha256 (ObjectDamaged if it does not)."""
        return self.objects.get(frame.image_sha256)

    def decide(self, user: User | None, frame: DeskFrame, label: str, note: str = "") -> bool:
        """Store `user`'s decision on `frame` for its station to take back (audited here too); whether the answer
        is a good part. InvalidInput for an answer the frame's station does not have; DeskConflict when the frame
        is not `user`'s to decide now."""
        desk = self.reviewing(user)
        good = {c.key: c.good for c in desk.classes(frame.station, frame.product)}
        good[NO_PART_LABEL] = False
        if label not in good:
            raise InvalidInput(f"{label!r} is not a class of {frame.station}; answer one of {', '.join(good)}")
        if self.key is None:
            raise InvalidInput("this desk was opened to read only: it has no key to sign decisions with")
        note = note[:MAX_NOTE]
        # the desk's own trail first: a decision it cannot record here never reaches the plant, and the plant's
        # refusal (not this reviewer's claim, decided already) leaves no entry here; only a failing commit after
        # the plant stored it could part the two
        with self.records.db.transaction() as s:
            audit.record(s, user.username, "desk.decide", station=frame.station, inspection=frame.sequence,
                         label=label, good=good[label], check_a=frame.label_a, check_b=frame.label_b, note=note)
            s.flush()
            desk.decide(frame.key, label, good[label], note, signed_decision(
                self.key, frame.station, frame.sequence, frame.image_sha256, label, good[label], note,
                user.username))
        return good[label]


def open_desk(data_dir: Path | str, signing: bool = True) -> Desk:
    """The desk of the plant that `data_dir`'s settings name in [plant] database_url and objects; `signing`: with
    the key of [plant] desk_key, to decide (not needed to list)."""
    records = open_station_records(data_dir)
    database = None
    try:
        database = plant_database(records, "the desk", objects=True)
        plant, settings = records.config.plant, Path(data_dir) / "station.toml"
        if signing and not plant.desk_key:
            raise InvalidInput(f"the desk signs every decision, and {settings} names no key: make one with `station "
                               "pack keygen --out desk.key` in the desk's data folder, set [plant] desk_key = "
                               "\"desk.key\", and have a manager at each station trust desk.pub (station keys trust "
                               "desk.pub --name \"Review desk\")")
        key_path = Path(plant.desk_key).expanduser()
        key = load_private_key(key_path if key_path.is_absolute() else Path(data_dir) / key_path) if signing else None
        return Desk(records, database, plant_objects(plant.objects, Path(data_dir)), key)
    except Exception:
        if database is not None:
            database.close()
        records.close()
        raise
