"""Store and forward (station.forwarding): a station records locally first and ships to the plant database and
object store in order, each frame exactly once, whatever fails on the way; real servers, no mocks: SQLite or the
PostgreSQL CI starts as the plant database, a folder or SeaweedFS (S3) as the object store."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from station.forwarding import Forwarder, ForwardingPaused, LocalImageDamaged
from station.pipeline import Pipeline
from station.storage.db import DatabaseError
from station.storage.objects import FolderObjects, S3Objects
from station.storage.plant import PlantDatabase
from station.synth.camera import SyntheticSource

from s3_server import SeaweedS3



def inspect(station, frames: int, seed: int) -> list[int]:
    """The line runs `frames` simulated parts; their inspection ids."""
    results = []
    pipeline = Pipeline(station, operator=station.otto, source_name="forwarding test")
    pipeline.run(SyntheticSource(seed=seed, family="washer"), max_frames=frames, on_result=results.append)
    return [r.inspection_id for r in results]


def test_every_frame_arrives_once_in_order_with_its_image(station, plant_url, tmp_path):
    name = "line-5"
    plant, objects = PlantDatabase(plant_url), FolderObjects(tmp_path / "objects")
    forwarder = Forwarder(station, plant, objects, name, batch=4)
    ids = inspect(station, 10, seed=3)
    assert forwarder.backlog() is None  # the plant has not been asked yet: no figure is made up
    first = forwarder.forward_once()
    assert first.sent == 4 and first.backlog == 6  # in batches, oldest first
    done = forwarder.forward_all(wait_s=0.01)
    assert done.backlog == 0 and done.position == ids[-1]
    rows = plant.rows(name)
    assert [r["sequence"] for r in rows] == ids
    with station.db.session() as s:
        from station.storage.models import Inspection

        local = {i.id: i for i in s.query(Inspection)}
    for row in rows:  # what the station recorded, and its image, whole
        mine = local[row["sequence"]]
        assert (row["verdict"], row["label_a"], row["image_sha256"]) == (mine.verdict, mine.label_a, mine.image_sha256)
        assert objects.get(row["image_sha256"]) == station.images.path_of(mine.image_path).read_bytes()
    # a second forwarder (a restart) takes up where the plant's rows end: nothing is sent twice
    again = Forwarder(station, plant, objects, name)
    assert again.forward_once().sent == 0 and plant.count(name) == 10
    plant.close()


def test_a_plant_row_sent_twice_is_stored_once(station, tmp_path):
    """A crash after the plant committed a batch but before the forwarder learnt it: the same rows again."""
    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-1")
    inspect(station, 3, seed=5)
    rows, _ = forwarder._next_batch(0)
    assert plant.add(rows) == 3
    assert plant.add(rows) == 0 and plant.count("line-1") == 3


def test_the_station_keeps_inspecting_while_the_object_store_is_away_and_then_all_arrive_once(station, tmp_path):
    """The plant's S3 server stops answering mid-shift (frozen, as behind a dropped network; killed and started
    again works the same but takes SeaweedFS seconds to come back): forwarding pauses, said, while the line records
    on; once it answers again every frame and image arrives exactly once, in order."""
    server = SeaweedS3(tmp_path / "seaweed").start()  # its own: a frozen server answers others late for a while
    try:
        bucket = "forwarded-" + "".join(c for c in tmp_path.name.lower() if c.isalnum())[-20:]
        objects = S3Objects(server.endpoint, bucket, access_key="station", secret_key="secret", timeout_s=1.0)
        objects.create_bucket()
        plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
        forwarder = Forwarder(station, plant, objects, "line-7", batch=5)
        before = inspect(station, 4, seed=11)
        assert forwarder.forward_all(wait_s=0.01).backlog == 0
        server.freeze()
        during = inspect(station, 6, seed=12)  # the line does not depend on the plant
        with pytest.raises(ForwardingPaused, match="keeps recording"):
            forwarder.forward_once()
        assert forwarder.backlog() == 6 and plant.count("line-7") == 4  # nothing half sent
        server.thaw()
        assert forwarder.paused is not None  # what a screen shows until the plant is back
        assert forwarder.forward_all(wait_s=0.2).backlog == 0 and forwarder.paused is None
        rows = plant.rows("line-7")
        assert [r["sequence"] for r in rows] == before + during  # each once, in order
        for row in rows:
            data = objects.get(row["image_sha256"])  # verified against its name on the way back
            assert hashlib.sha256(data).hexdigest() == row["image_sha256"]
    finally:
        server.thaw()
        server.stop()


def test_a_damaged_local_image_is_not_sent_and_the_frame_is_named(station, tmp_path):
    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-2")
    [first, *_] = inspect(station, 2, seed=7)
    with station.db.session() as s:
        from station.storage.models import Inspection

        path = station.images.path_of(s.get(Inspection, first).image_path)
    path.write_bytes(path.read_bytes() + b"changed")
    with pytest.raises(LocalImageDamaged, match="audit verify"):
        forwarder.forward_once()
    assert plant.count("line-2") == 0  # not the frames after it either: the plant's history keeps its order


def test_an_unreachable_plant_database_and_a_bad_station_name_are_said_plainly(station, tmp_path):
    away = PlantDatabase("postgresql+psycopg://station:s3cret@127.0.0.1:9/plant")  # opening asks nothing of it
    forwarder = Forwarder(station, away, FolderObjects(tmp_path / "objects"), "line-3")
    with pytest.raises(ForwardingPaused, match="(?i)cannot be reached.*connection refused"):
        forwarder.forward_once()  # a pause, tried again later
    assert "s3cret" not in str(forwarder.paused) and "SELECT" not in str(forwarder.paused)
    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    for bad in ("", "line 3", "../x", "a" * 65):
        with pytest.raises(DatabaseError, match="not a station name"):
            Forwarder(station, plant, FolderObjects(tmp_path / "objects"), bad)


def test_a_reviewers_decision_follows_its_frame_once(station, tmp_path):
    """Decisions go to the plant after the frames they are on, each once, with who made them."""
    from station import review

    station.config.thresholds.conf_a = 1.0  # nothing is sure enough: every part waits for a reviewer
    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-4", batch=2)
    first, second, third = inspect(station, 3, seed=21)
    answers = review.settings_answers(station)
    with station.db.transaction() as s:
        review.decide(s, third, "washer/good", answers, station.rita, note="fine")
    held = forwarder.forward_once()  # frames 1 and 2 only: the decision on frame 3 waits for its frame
    assert (held.sent, held.reviews_sent, held.reviews_backlog) == (2, 0, 1)
    done = forwarder.forward_all(wait_s=0.01)
    [sent] = plant.rows("line-4", "review")
    assert done.done and {k: v for k, v in sent.items() if k not in ("decided_at", "sealed")} == {
        "station": "line-4", "sequence": 1, "inspection": third, "label": "washer/good", "good": True, "note": "fine",
        "reviewer": "rita"}
    with station.db.transaction() as s:
        review.decide(s, first, "washer/stain", answers, station.rita)
    again = forwarder.forward_once()
    assert (again.sent, again.reviews_sent) == (0, 1) and plant.count("line-4", "review") == 2
    assert forwarder.forward_once().reviews_sent == 0  # nothing twice


def test_beside_the_line_new_frames_follow_as_they_are_recorded(station, tmp_path):
    """The forwarder in a thread of the station's process (`station serve` with [plant]): frames recorded while it
    runs reach the plant without anyone asking, and stopping it ends after the batch in flight."""
    import time

    from station.service.plant import BackgroundForwarder

    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    seen = []
    running = BackgroundForwarder(Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-5"),
                                  on_change=lambda f: seen.append(f.position), poll_s=0.05).start()
    try:
        ids = inspect(station, 3, seed=31) + inspect(station, 2, seed=32)
        deadline = time.monotonic() + 120
        while plant.count("line-5") < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        running.stop()
    assert [r["sequence"] for r in PlantDatabase(plant.url).rows("line-5")] == ids
    assert seen and seen[-1] == ids[-1]


def test_decisions_go_in_the_order_they_were_made_even_when_an_earlier_one_waits_for_its_frame(station, tmp_path):
    """Decision 1 is on a frame the plant has not got yet, decision 2 on one it has: 2 waits behind 1 (the plant's
    highest decision is where the next pass takes up, so sending 2 first would lose 1 for good)."""
    from station import review

    station.config.thresholds.conf_a = 1.0
    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-6", batch=2)
    first, _, third = inspect(station, 3, seed=41)
    answers = review.settings_answers(station)
    with station.db.transaction() as s:
        review.decide(s, third, "washer/good", answers, station.rita)
        review.decide(s, first, "washer/good", answers, station.rita)
    one = forwarder.forward_once()  # frames 1-2 go; decision 1 (on frame 3) waits, and decision 2 behind it
    assert (one.sent, one.reviews_sent, one.reviews_backlog) == (2, 0, 2)
    assert forwarder.forward_all(wait_s=0.01).done
    assert [(r["sequence"], r["inspection"]) for r in plant.rows("line-6", "review")] == [(1, third), (2, first)]


def test_a_plant_holding_more_of_this_name_than_was_recorded_here_stops_forwarding(station, tmp_path):
    """Another station forwarding under the same name, or this one reinstalled: its frames would be skipped as
    already sent. Forwarding stops and says what to change."""
    from station.forwarding import ForwardingStopped

    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    other = {"station": "line-8", "sequence": 500, "created_at": datetime.now(timezone.utc), "source": "x",
             "verdict": "PASS", "reason": "", "label_a": "a", "conf_a": 1.0, "label_b": "a", "conf_b": 1.0,
             "image_sha256": "0" * 64, "width": 1, "height": 1, "manual_mode": False, "product": "", "origin": "", "sealed": "{}"}
    plant.add([other])
    inspect(station, 2, seed=51)
    with pytest.raises(ForwardingStopped, match="another station forwards under this name"):
        Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-8").forward_once()
    # the same count of frames, other frames (a reinstalled station under its old name): stopped as well
    other.update(sequence=2, station="line-9")
    plant.add([other])
    with pytest.raises(ForwardingStopped, match="not this station's frame #2"):
        Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-9").forward_once()
