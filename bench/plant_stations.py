"""Many stations, one plant: simulated stations record frames at their camera rate into their own database and image
folder (the pipeline's record step: image staged, row committed with the audit trail, image published), while
each one's forwarder ships them to one plant database and one object store.

Phases, in one run so each figure has its baseline beside it:
  1. steady on an empty plant;
  2. the plant filled with --prefill rows of another station, then steady again: the plant's commit latency must
     not grow with its size (the figure is the ratio of the two phases' p99);
  3. an outage: the plant database's port blocked (a proxy in front of it drops every connection) for --outage
     seconds while the stations keep recording; then the time until every backlog is empty, and a count that
     every frame arrived exactly once.

The plant database: $STATION_BENCH_DB_URL or $STATION_TEST_DB_URL (a server URL; a database of its own is made
and dropped), else a SQLite file (not what a plant runs: the figures say so). The object store: SeaweedFS (S3)
when `weed` is installed (the test extra), else a folder.

    python bench/plant_stations.py [--stations 20] [--fps 2] [--seconds 30] [--prefill 300000] [--outage 20]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from headline import record  # noqa: E402


# ----------------------------------------------------------------------------------------- the port that fails
class BlockableProxy:
    """A TCP proxy in front of the plant database; `blocked` drops every connection and refuses new ones, as a
    pulled cable or a firewall would."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.blocked = target, False
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.server.accept()
            if self.blocked:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass

    def block(self) -> None:
        self.blocked = True
        with self.lock:
            for client, upstream in self.pairs:
                for s in (client, upstream):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            self.pairs.clear()

    def unblock(self) -> None:
        self.blocked = False


# ----------------------------------------------------------------------------------------- one simulated station
def station_process(index: int, folder: str, plant_url: str, store: dict, fps: float, stop_line, stop_forwarding,
                    recorded, samples) -> None:
    import numpy as np

    from station.forwarding import Forwarder
    from station.service.plant import BackgroundForwarder
    from station.records import open_records
    from station.storage.db import sqlite_url
    from station.storage.images import ImageStore
    from station.storage.models import Inspection
    from station.storage.objects import FolderObjects, S3Objects
    from station.storage.plant import PlantDatabase

    name = f"line-{index:02d}"
    data = Path(folder)
    db = open_records(sqlite_url(data), data)
    images = ImageStore(data / "images")

    class Records:  # what a forwarder reads of a station: its database, images and classes
        def __init__(self):
            from station.config import default_config

            self.db, self.images, self.config = db, images, default_config("washer")
            self.good = {c.key: c.good for c in self.config.classes}

    class TimedPlant(PlantDatabase):
        def add(self, rows, kind="inspection"):
            t0 = time.perf_counter()
            n = super().add(rows, kind)
            if kind == "inspection" and rows:
                samples.put(("plant_commit", time.time(), (time.perf_counter() - t0) * 1000.0, len(rows)))
            return n

    objects = (S3Objects(store["endpoint"], store["bucket"], "bench", "bench") if store["kind"] == "s3"
               else FolderObjects(store["folder"]))
    forwarder = Forwarder(Records(), TimedPlant(plant_url), objects, name)
    def changed(f) -> None:
        if f.paused is not None:
            samples.put(("paused", time.time(), 0.0, str(f.paused)))
    running = BackgroundForwarder(forwarder, changed, poll_s=0.5, wait_s=1.0).start()  # as `station serve` runs it
    from station.synth.samples import draw_sample

    base = draw_sample(index, 0, 256).image  # a part as the camera sees it (its PNG is as large as a real frame's)
    period, next_at, n = 1.0 / fps, time.monotonic(), 0
    while not stop_line.is_set():
        next_at += period
        frame = base.copy()
        frame[0, :8] = np.frombuffer(np.int64(n).tobytes(), dtype=np.uint8)[:, None]  # a picture of its own
        t0 = time.perf_counter()
        [staged] = images.stage_batch([frame])
        with db.transaction() as s:
            s.add(Inspection(source="bench", origin="", image_path=staged.relative_path, image_sha256=staged.sha256,
                             width=256, height=256, verdict="REVIEW" if n % 10 == 0 else "PASS",
                             reason="disagreement" if n % 10 == 0 else "", label_a="washer/good", conf_a=0.9,
                             label_b="washer/good", conf_b=0.9, latency_ms=1.0))
        images.publish(staged)
        samples.put(("local_commit", time.time(), (time.perf_counter() - t0) * 1000.0, 1))
        n += 1
        recorded[index] = n
        time.sleep(max(0.0, next_at - time.monotonic()))
    stop_forwarding.wait()
    running.stop()
    db.close()


# ----------------------------------------------------------------------------------------- the plant
def plant_database(work: Path):
    """(url stations use through the proxy, url to read directly, proxy, cleanup)."""
    from sqlalchemy import create_engine, make_url, text

    server = os.environ.get("STATION_BENCH_DB_URL") or os.environ.get("STATION_TEST_DB_URL")
    if not server:
        url = f"sqlite:///{work / 'plant.db'}"
        return url, url, None, lambda: None
    name = f"station_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    direct = make_url(server).set(database=name)
    proxy = BlockableProxy((direct.host or "127.0.0.1", direct.port or 5432))
    via = direct.set(host="127.0.0.1", port=proxy.port)

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return (via.render_as_string(hide_password=False), direct.render_as_string(hide_password=False), proxy, drop)


def object_store(work: Path):
    try:
        from s3_server import SeaweedS3, weed

        weed()
    except (ImportError, RuntimeError):
        folder = work / "objects"
        folder.mkdir()
        return {"kind": "folder", "folder": str(folder)}, lambda: None
    server = SeaweedS3(work / "seaweedfs", volumes=64).start()  # room for every frame of the run
    from station.storage.objects import S3Objects

    S3Objects(server.endpoint, "frames", "bench", "bench").create_bucket()
    return {"kind": "s3", "endpoint": server.endpoint, "bucket": "frames"}, server.stop


def prefill(url: str, rows: int) -> float:
    """`rows` frames of a station that is not running, inserted in batches; seconds taken."""
    from datetime import datetime, timezone

    from station.storage.plant import PlantDatabase, plant_inspection

    plant, now, t0 = PlantDatabase(url), datetime.now(timezone.utc), time.perf_counter()
    plant.count()  # the tables made
    row = dict(station="prefill", created_at=now, source="bench", verdict="PASS", reason="", label_a="a", conf_a=1.0,
               label_b="a", conf_b=1.0, image_sha256="0" * 64, width=256, height=256, manual_mode=False, product="",
               origin="", sealed="{}")
    with plant.connected(begin=True) as c:
        for start in range(1, rows + 1, 20_000):
            batch = range(start, min(start + 20_000, rows + 1))
            c.execute(plant_inspection.insert(), [{**row, "sequence": i} for i in batch])
    plant.close()
    return time.perf_counter() - t0


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else float("nan"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stations", type=int, default=20)
    ap.add_argument("--fps", type=float, default=2.0, help="each station's camera rate")
    ap.add_argument("--seconds", type=float, default=30.0, help="each steady phase")
    ap.add_argument("--prefill", type=int, default=300_000, help="rows put in the plant between the steady phases")
    ap.add_argument("--outage", type=float, default=20.0, help="seconds the plant database's port is blocked")
    args = ap.parse_args()
    from station.storage.plant import PlantDatabase

    work = Path(tempfile.mkdtemp(prefix="plant-bench-"))
    via, direct, proxy, drop_db = plant_database(work)
    store, stop_store = object_store(work)
    target = "PostgreSQL" if proxy else "SQLite (set STATION_BENCH_DB_URL for a PostgreSQL server)"
    print(f"{args.stations} stations at {args.fps:g} frames/s each -> {target}, object store: {store['kind']}")
    ctx = mp.get_context("spawn")
    stop_line, stop_forwarding, samples = ctx.Event(), ctx.Event(), ctx.Queue()
    recorded = ctx.Array("l", args.stations)
    procs = [ctx.Process(target=station_process, daemon=True,
                         args=(i, str(work / f"station-{i:02d}"), via, store, args.fps, stop_line, stop_forwarding,
                               recorded, samples))
             for i in range(args.stations)]
    for p in procs:
        p.start()
    reader = PlantDatabase(direct)
    got: list[tuple] = []
    marks: dict[str, float] = {}

    def drain() -> None:
        while True:
            try:
                got.append(samples.get_nowait())
            except Exception:
                return

    def held() -> int:
        return reader.count() - prefilled

    def wait(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            drain()
            time.sleep(0.2)

    prefilled = 0
    try:
        wait(max(10.0, args.seconds / 3))  # every station up and forwarding
        marks["a0"] = time.time()
        start_held = held()
        wait(args.seconds)
        marks["a1"], a_rate = time.time(), (held() - start_held) / args.seconds
        took = prefill(direct, args.prefill) if args.prefill else 0.0
        prefilled = args.prefill
        print(f"plant filled with {args.prefill:,} rows in {took:.0f} s")
        wait(5.0)
        marks["b0"] = time.time()
        start_held = held()
        wait(args.seconds)
        marks["b1"], b_rate = time.time(), (held() - start_held) / args.seconds
        if proxy is not None:
            marks["out0"] = time.time()
            proxy.block()
            wait(args.outage)
            backlog_at_end = sum(recorded) - held()
            proxy.unblock()
            marks["out1"] = time.time()
            while sum(recorded) - held() > args.stations * args.fps * 2 and time.time() - marks["out1"] < 600:
                wait(0.5)  # until each backlog is down to what a couple of seconds of frames make
            caught_up = time.time() - marks["out1"]
    finally:
        stop_line.set()
        end = time.time() + 120
        while held() < sum(recorded) and time.time() < end:
            wait(0.5)  # the last frames on their way
        stop_forwarding.set()
        for p in procs:
            p.join(60)
        drain()
    total_local, total_plant = sum(recorded), held()
    reader.close()

    def window(kind: str, a: str, b: str) -> list[float]:
        return [ms for k, at, ms, _ in got if k == kind and marks[a] <= at < marks[b]]

    pauses = [(at, why) for k, at, _, why in got if k == "paused"]
    unplanned = [why for at, why in pauses if not marks.get("out0", 1e18) <= at <= marks.get("out1", 0) + 60]
    if unplanned:
        print(f"forwarding paused {len(unplanned)} times outside the outage, e.g.: {unplanned[0]}")
    plant_a, plant_b = window("plant_commit", "a0", "a1"), window("plant_commit", "b0", "b1")
    local = window("local_commit", "a0", "b1")
    print(f"steady, empty plant:  {a_rate:.1f} frames/s at the plant; plant batch commit p99 {p99(plant_a):.1f} ms "
          f"({len(plant_a)} batches)")
    print(f"steady, {args.prefill:,} rows: {b_rate:.1f} frames/s at the plant; plant batch commit p99 "
          f"{p99(plant_b):.1f} ms ({len(plant_b)} batches)")
    ratio = p99(plant_b) / p99(plant_a)
    print(f"plant commit p99, full/empty: {ratio:.2f}x; a station's own record (image + row) p99 {p99(local):.1f} ms")
    offered = args.stations * args.fps
    record("plant: sustained frames/s (20 stations at camera rate)", f">= {offered:g} (what they make)",
           f"{min(a_rate, b_rate):.1f}", min(a_rate, b_rate) >= 0.95 * offered)
    record("plant: commit p99, full/empty plant", "<= 1.5x", f"{ratio:.2f}x", ratio <= 1.5)
    if proxy is not None:
        print(f"outage of {args.outage:g} s: {backlog_at_end:,} frames waiting at the stations when the port came "
              f"back; caught up in {caught_up:.1f} s")
        record("plant: catching up after an outage", f"backlog of {args.outage:g} s", f"{caught_up:.1f} s", None)
    exact = total_plant == total_local
    print(f"frames recorded at the stations {total_local:,}, at the plant {total_plant:,} "
          f"({'each once' if exact else 'NOT EQUAL: the last frames were still on their way'})")
    stop_store()
    drop_db()
    return 0


if __name__ == "__main__":
    sys.exit(main())
