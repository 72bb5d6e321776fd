"""Forwarding to the plant as the settings' [plant] describe it: the station's records only, no models, so it runs
beside a running station (a reader of its database and images)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlparse

from ..errors import InvalidInput, StationError
from ..events import ForwardingStatus
from ..forwarding import Forwarder, ForwardingPaused
from ..progress import Callbacks
from ..storage.objects import FolderObjects, S3Objects
from ..storage.plant import PlantDatabase


def plant_objects(where: str, data_dir: Path):
    """A folder (relative to the data folder when not absolute) or an S3 bucket given as http(s)://host:port/bucket,
    its keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."""
    url = urlparse(where)
    if url.scheme in ("http", "https"):
        bucket = url.path.strip("/")
        try:
            port = url.port
        except ValueError:
            port = -1
        if not bucket or "/" in bucket or not url.hostname or port == -1 or url.username or url.password:
            raise InvalidInput("[plant] objects: an S3 store is written http://host:port/bucket, its keys in "
                               "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (never in the address)")
        return S3Objects(f"{url.scheme}://{url.hostname}" + (f":{port}" if port else ""), bucket,
                         os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", ""))
    folder = Path(where).expanduser()
    folder = folder if folder.is_absolute() else data_dir / folder
    if not folder.is_dir():  # never made here: a share that is not mounted would fill the station's own disk
        raise InvalidInput(f"[plant] objects: the folder {folder} does not exist; mount the plant's share there, or "
                           "name the folder it is mounted at")
    return FolderObjects(folder)


def plant_database(records, purpose: str, objects: bool = False) -> PlantDatabase:
    """The plant database the settings' [plant] names; InvalidInput saying what `purpose` needs set when it names
    none (or, with `objects`, no object store)."""
    plant = records.config.plant
    if not plant.database_url or (objects and not plant.objects):
        keys = "database_url and objects" if objects else "database_url"
        env = "STATION_PLANT__DATABASE_URL" + (" and STATION_PLANT__OBJECTS" if objects else "")
        raise InvalidInput(f"{purpose} needs the plant: set [plant] {keys} in {records.data_dir / 'station.toml'} "
                           f"(or {env})")
    return PlantDatabase(plant.database_url)


STOPPED_RETRY_S = 60.0  # after forwarding stopped on something a person must fix: looked at again this often


class BackgroundForwarder:
    """`Forwarder.follow` in a thread of the station's own process (`station serve`): the line never waits for it.
    `on_change(forwarder)` after every attempt, from that thread (its `last` pass and why it `paused`)."""

    def __init__(self, forwarder: Forwarder, on_change=lambda _forwarder: None, poll_s: float = 2.0,
                 wait_s: float = 5.0):
        self.forwarder, self.on_change, self.poll_s, self.wait_s = forwarder, on_change, poll_s, wait_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="forwarder", daemon=True)

    def start(self) -> BackgroundForwarder:
        self._thread.start()
        return self

    def _run(self) -> None:
        progress = Callbacks(lambda *_: self.on_change(self.forwarder), self._stop.is_set)
        while not self._stop.is_set():
            try:
                self.forwarder.follow(progress, self.poll_s, self.wait_s)
            except Exception as e:  # stopped (a person must act) or a fault: said, tried again, the line unharmed
                self.forwarder.paused = e if isinstance(e, StationError) else StationError(
                    f"forwarding to the plant stopped: {type(e).__name__}: {e}")
                self.on_change(self.forwarder)
                self._stop.wait(STOPPED_RETRY_S)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Ends after the batch in flight (never half a batch: images, then rows in one transaction)."""
        self._stop.set()
        self._thread.join(timeout_s)
        if not self._thread.is_alive():
            self.forwarder.plant.close()


class PlantServices:
    """What runs beside the line for the plant: the forwarder, and with `[plant] install_at_changeover` the
    follow-up of each changeover (service.rollout.ChangeoverInstalls)."""

    def __init__(self, forwarder: BackgroundForwarder, installs=None):
        self.forwarder, self.installs = forwarder, installs

    def stop(self) -> None:
        if self.installs is not None:
            self.installs.stop()
        self.forwarder.stop()  # after the batch in flight


def start_forwarding(station) -> PlantServices | None:
    """With [plant] set: the forwarder beside the line (`station serve`, the window), its state published on the
    station's events as ForwardingStatus whenever it changes, and the changeovers followed up when the settings
    ask. None when the station forwards to no plant."""
    from .rollout import ChangeoverInstalls

    if not station.config.plant.database_url:
        return None
    forwarder, said = open_forwarder(station), {}

    def changed(f: Forwarder) -> None:
        backlog = f.last.backlog if f.last is not None and f.paused is None else f.backlog()
        stopped = f.paused is not None and not isinstance(f.paused, ForwardingPaused)  # a person must act
        status = ForwardingStatus(f.station, f.position, backlog, str(f.paused or ""), stopped)
        key = (status.position, status.backlog, status.paused)
        if key != said.get("last"):
            said["last"] = key
            station.events.publish(status)
    station.events.publish(ForwardingStatus(forwarder.station, None, None))  # going, not heard from the plant yet
    installs = ChangeoverInstalls(station) if station.config.plant.install_at_changeover else None
    return PlantServices(BackgroundForwarder(forwarder, changed).start(), installs)


def open_forwarder(records) -> Forwarder:
    """The forwarder of a station's records (service.records.StationRecords) to the plant its settings name."""
    plant = records.config.plant
    if records.config.database_url:  # its rows are not its own alone, and their ids not in one writer's order
        raise InvalidInput("this station records into a shared database (database_url), so there is nothing of its "
                           "own to forward; forwarding is for a station recording into its own data folder")
    if not plant.database_url:
        raise InvalidInput("this station forwards to no plant: set [plant] station, database_url and objects in "
                           f"{records.data_dir / 'station.toml'} (or STATION_PLANT__DATABASE_URL and the others)")
    return Forwarder(records, PlantDatabase(plant.database_url), plant_objects(plant.objects, records.data_dir),
                     plant.station)


def verify_plant_trails(records) -> list:
    """Every station's audit trail as the plant holds it, each checked alone (station.audit.plant_check)."""
    from ..audit.plant_check import verify_plant

    plant = plant_database(records, "checking the plant's trails")
    try:
        return verify_plant(plant)
    finally:
        plant.close()


def upgrade_plant_tables(records) -> tuple[str | None, str]:
    """`station plant upgrade`: the plant's tables made or brought to this version's schema; (revision before,
    revision now)."""
    from ..storage.plant import plant_revision, upgrade_plant

    plant = plant_database(records, "upgrading the plant's tables")
    try:
        before = plant_revision(plant.engine)
        upgrade_plant(plant.engine)
        return before, plant_revision(plant.engine)
    finally:
        plant.close()


def plant_roles_sql(stations: list[str], desks: list[str]) -> str:
    """The SQL that gives each station and desk its own role and each station only its own rows (PostgreSQL)."""
    from ..storage.plant_roles import roles_sql

    return roles_sql(stations, desks)
