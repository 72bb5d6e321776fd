"""The plant's central review desk (station.storage.plant_desk, station.service.desk): every station's waiting
frames, claims that keep two reviewers off one frame, and decisions their stations take back and learn from.
Real databases: SQLite, and the PostgreSQL CI starts."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from station import review
from station.auth import DESK_ACCOUNT
from station.desk_decisions import signed_decision
from station.forwarding import Forwarder
from station.pipeline import Pipeline
from station.storage.models import Review, User
from station.storage.objects import FolderObjects
from station.storage.plant import PlantDatabase
from station.storage.plant import plant_inspection
from station.storage.plant_desk import DeskConflict, PlantDesk
from station.signing import public_pem
from station.synth.camera import SyntheticSource
from station.trusted_keys import trust_key


def waiting_frames(station, frames: int, seed: int) -> list[int]:
    """The line runs `frames` parts that nothing is sure enough about: every one waits for a person."""
    station.config.thresholds.conf_a = 1.0
    results = []
    Pipeline(station, operator=station.otto, source_name="desk test").run(
        SyntheticSource(seed=seed, family="washer"), max_frames=frames, on_result=results.append)
    assert all(r.verdict == "REVIEW" for r in results)
    return [r.inspection_id for r in results]


DESK_KEY = Ed25519PrivateKey.generate()  # the review desk's key, which each test's station trusts


class SigningDesk(PlantDesk):
    """The desk's storage side, deciding as service.desk does: each decision signed with the desk's key, for the
    frame's picture."""

    def decide(self, frame, label, good, note=""):
        with self.plant.connected() as c:
            sha = c.scalar(select(plant_inspection.c.image_sha256).where(
                plant_inspection.c.station == frame[0], plant_inspection.c.sequence == frame[1]))
        super().decide(frame, label, good, note,
                       signed_decision(DESK_KEY, frame[0], frame[1], sha, label, good, note, self.reviewer))


def forwarded(station, plant_url, tmp_path, name: str, frames: int, seed: int):
    with station.db.transaction() as s:
        trust_key(s, public_pem(DESK_KEY.public_key()), "Review desk", station.boss)
    plant = PlantDatabase(plant_url)
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), name)
    ids = waiting_frames(station, frames, seed)
    assert forwarder.forward_all(wait_s=0.01).done
    return forwarder, plant, ids


def test_two_reviewers_never_decide_one_frame(station, plant_url, tmp_path):
    _, plant, ids = forwarded(station, plant_url, tmp_path, "line-1", 3, seed=5)
    alice, bob = SigningDesk(plant, "alice"), SigningDesk(plant, "bob")
    assert [f.sequence for f in alice.page()] == ids  # oldest first, every station's
    assert {c.key for c in alice.classes("line-1")} == {c.key for c in station.config.classes}
    first = alice.page()[0]
    assert alice.claim(first.key)
    assert [f.sequence for f in bob.page()] == ids[1:]  # held by alice: bob is not shown it
    assert not bob.claim(first.key)
    with pytest.raises(DeskConflict, match="not held by bob"):
        bob.decide(first.key, "washer/good", True)
    alice.decide(first.key, "washer/stain", False, "a stain on the face")
    with pytest.raises(DeskConflict):
        alice.decide(first.key, "washer/good", True)  # once: the first decision stands
    assert not alice.claim(first.key)  # decided: no one holds it again
    assert [f.sequence for f in alice.page()] == [f.sequence for f in bob.page()] == ids[1:]
    assert alice.waiting_count() == 2 and alice.waiting_count(station="line-9") == 0


def test_a_claim_left_behind_runs_out(station, plant_url, tmp_path):
    """A desk closed without releasing (a crash, a pulled plug): its frame is free again when the claim expires."""
    _, plant, ids = forwarded(station, plant_url, tmp_path, "line-2", 1, seed=6)
    alice, bob = SigningDesk(plant, "alice"), SigningDesk(plant, "bob")
    assert alice.claim(("line-2", ids[0]), seconds=-1)  # as if its time had passed
    assert [f.sequence for f in bob.page()] == ids
    assert bob.claim(("line-2", ids[0]))
    with pytest.raises(DeskConflict):
        alice.decide(("line-2", ids[0]), "washer/good", True)
    bob.release(("line-2", ids[0]))
    assert alice.claim(("line-2", ids[0]))


def test_a_desk_decision_is_taken_back_by_its_station_as_a_review(station, plant_url, tmp_path):
    """The station records the desk's decision as a review (so its prompts and banks learn from it), forwards it
    back as its own review, and the desk sees what became of it; a frame decided at the station first keeps that
    decision, and the desk is told so."""
    forwarder, plant, ids = forwarded(station, plant_url, tmp_path, "line-3", 3, seed=7)
    desk = SigningDesk(plant, "alice")
    for sequence, label in ((ids[0], "washer/stain"), (ids[1], "washer/good")):
        assert desk.claim(("line-3", sequence))
        desk.decide(("line-3", sequence), label, label == "washer/good", "seen at the desk")
    answers = review.settings_answers(station)
    with station.db.transaction() as s:  # frame 2 decided at the line too, before the station heard of the desk's
        review.decide(s, ids[1], "washer/scratch", answers, station.rita)
    taken = forwarder.forward_all(wait_s=0.01)
    assert taken.done and taken.desk_decisions == 1
    with station.db.session() as s:
        mine = {r.inspection_id: (r.label, r.note, s.get(User, r.reviewer_id).username) for r in s.scalars(select(Review))}
    assert mine == {ids[0]: ("washer/stain", "plant desk, alice: seen at the desk", DESK_ACCOUNT),
                    ids[1]: ("washer/scratch", "", "rita")}
    outcomes = {d["inspection"]: d["outcome"] for d in desk.decisions()}
    assert outcomes == {ids[0]: "recorded", ids[1]: "decided at the station already, as washer/scratch"}
    assert {r["inspection"]: r["label"] for r in plant.rows("line-3", "review")} == {
        ids[0]: "washer/stain", ids[1]: "washer/scratch"}
    assert [f.sequence for f in desk.page()] == [ids[2]]
    assert forwarder.forward_once().desk_decisions == 0  # nothing twice


def test_no_one_signs_in_as_the_desk_account_and_a_manager_can_stop_it(station, tmp_path):
    from station.auth import set_active
    from station.service.accounts import AuthError, sign_in_user

    forwarder, plant, ids = forwarded(station, f"sqlite:///{tmp_path / 'plant.db'}", tmp_path, "line-4", 2, seed=8)
    desk = SigningDesk(plant, "alice")
    assert desk.claim(("line-4", ids[0]))
    desk.decide(("line-4", ids[0]), "washer/good", True)
    forwarder.forward_all(wait_s=0.01)
    for password in ("", "!", "plant-desk"):
        with pytest.raises(AuthError):
            sign_in_user(station.db, DESK_ACCOUNT, password)
    with station.db.transaction() as s:
        set_active(s, DESK_ACCOUNT, False, station.boss)
    assert desk.claim(("line-4", ids[1]))
    desk.decide(("line-4", ids[1]), "washer/good", True)
    assert forwarder.forward_all(wait_s=0.01).desk_decisions == 0
    outcome = {d["inspection"]: d["outcome"] for d in desk.decisions()}[ids[1]]
    assert outcome.startswith("not recorded at line-4") and "deactivated" in outcome


def test_the_plant_schema_is_its_migrations(plant_url):
    """The plant's tables come from its own Alembic history (its own version table, so a station's and the plant's
    can share a server), and that history makes exactly what the code declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect as inspect_db

    from station.storage.plant import PLANT_VERSION_TABLE, plant_metadata

    plant = PlantDatabase(plant_url)
    assert plant.count() == 0  # first use: the tables are made
    with plant.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": PLANT_VERSION_TABLE})
        assert context.get_current_revision() == "p0003_plant_audit"
        assert compare_metadata(context, plant_metadata) == []
    assert PLANT_VERSION_TABLE in inspect_db(plant.engine).get_table_names()
    PlantDatabase(plant_url).count()  # a second station on the same plant: already up to date, nothing made twice


def test_a_plant_first_used_from_several_threads_at_once(plant_url):
    """The desk's pages and a forwarder reach a new plant at the same moment: its tables are made once, and no
    thread fails (Alembic's module-wide state is not for two threads at once)."""
    import threading

    shared, failed = PlantDatabase(plant_url), []

    def use(plant) -> None:
        try:
            plant.count()
        except Exception as e:  # noqa: BLE001  (any failure is the finding)
            failed.append(e)
    threads = [threading.Thread(target=use, args=(shared if i % 2 else PlantDatabase(plant_url),)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []


def test_only_what_a_trusted_desk_signed_is_recorded(station, plant_url, tmp_path):
    """Whoever can write the plant database can add a decision row; a station records only a decision a desk key it
    trusts signed, about this frame and this picture, and records what was signed, not the row's other columns."""
    from datetime import datetime, timezone

    from sqlalchemy import insert, update

    from station.storage.plant import plant_desk_decision

    forwarder, plant, ids = forwarded(station, plant_url, tmp_path, "line-6", 5, seed=10)
    with plant.connected() as c:
        sha = dict(c.execute(select(plant_inspection.c.sequence, plant_inspection.c.image_sha256)
                             .where(plant_inspection.c.station == "line-6")).all())
    stranger = Ed25519PrivateKey.generate()
    tampered = signed_decision(DESK_KEY, "line-6", ids[2], sha[ids[2]], "washer/good", True, "", "alice")
    tampered["payload"] = tampered["payload"].replace("washer/good", "washer/dent")
    rows = {
        ids[0]: {"payload": "{}", "signer": "0" * 64, "signature": ""},  # written straight into the plant
        ids[1]: signed_decision(stranger, "line-6", ids[1], sha[ids[1]], "washer/good", True, "", "mallory"),
        ids[2]: tampered,
        ids[3]: signed_decision(DESK_KEY, "line-6", ids[3], sha[ids[4]], "washer/good", True, "", "alice"),
        ids[4]: signed_decision(DESK_KEY, "line-6", ids[4], sha[ids[4]], "washer/stain", False, "", "alice"),
    }
    with plant.connected(begin=True) as c:
        for inspection, signed in rows.items():
            c.execute(insert(plant_desk_decision).values(
                station="line-6", inspection=inspection, label="washer/good", good=True, note="", reviewer="alice",
                decided_at=datetime.now(timezone.utc), outcome="", image_sha256=sha[inspection], **signed))
        # the row's own columns say "good"; what the desk signed says "stain"
        c.execute(update(plant_desk_decision).where(plant_desk_decision.c.inspection == ids[4]).values(good=True))
    assert forwarder.forward_all(wait_s=0.01).desk_decisions == 1
    outcomes = {d["inspection"]: d["outcome"] for d in PlantDesk(plant, "alice").decisions()}
    assert "not signed by a desk key this station trusts" in outcomes[ids[0]]
    assert "not signed by a desk key this station trusts" in outcomes[ids[1]]
    assert "does not match what it says" in outcomes[ids[2]]
    assert "is not this station's frame" in outcomes[ids[3]]
    assert outcomes[ids[4]] == "recorded"
    with station.db.session() as s:
        assert [(r.inspection_id, r.label, r.good) for r in s.scalars(select(Review))] == [(ids[4], "washer/stain", False)]


def test_the_desk_account_name_is_the_desks_alone(station):
    from station.auth import create_user, desk_account
    from station.errors import InvalidInput, StationError
    from station.storage.models import User as UserRow

    with pytest.raises(InvalidInput, match="choose another name"), station.db.transaction() as s:
        create_user(s, DESK_ACCOUNT, "reviewer", "a long password", station.boss)
    with station.db.transaction() as s:  # an older station's person of that name (made before it was reserved)
        s.add(UserRow(username=DESK_ACCOUNT, role="reviewer", password_hash="scrypt$1$1$1$00$00"))
    with pytest.raises(StationError, match="has a password"), station.db.transaction() as s:
        desk_account(s)


def test_a_station_database_busy_with_the_line_pauses_taking_decisions_back(station, tmp_path):
    """Taking a desk decision back writes into the station's own SQLite; when the line holds it past SQLite's wait
    (here a writer holds it and the wait is 50 ms instead of 5 s), forwarding pauses and tries again: it does not
    stop as if a person had to act. Once the database is free, the decision is recorded."""
    import sqlite3

    from sqlalchemy import event

    from station.forwarding import ForwardingPaused

    forwarder, plant, ids = forwarded(station, f"sqlite:///{tmp_path / 'plant.db'}", tmp_path, "line-5", 2, seed=3)
    desk = SigningDesk(plant, "alice")
    assert desk.claim(("line-5", ids[0]))
    desk.decide(("line-5", ids[0]), "washer/good", True)
    event.listen(station.db.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=50"))
    station.db.engine.dispose()  # new connections, with the short wait
    line = sqlite3.connect(station.data_dir / "station.db", isolation_level=None)
    line.execute("BEGIN IMMEDIATE")  # the line's writer, holding the database
    try:
        with pytest.raises(ForwardingPaused, match="own database was busy"):
            forwarder.forward_once()
    finally:
        line.execute("ROLLBACK")
        line.close()
    assert forwarder.forward_all(wait_s=0.01).desk_decisions == 1


def test_the_desk_answers_a_frame_with_the_classes_of_the_version_that_judged_it(onboarded, plant_url, tmp_path):
    """After a changeover back to the settings' classes, a frame the product "nut" judged is offered at the desk with
    the nut's classes (a kind too rare to learn included), and the station records the desk's answer on it; a
    washer frame is offered the washer's."""
    import time
    from dataclasses import replace

    from conftest import open_copy
    from station.capture.folder import FolderSource
    from station.service.products import accept_product, use_no_product, use_product
    from station.storage.models import Alarm

    root, photos, *_ = onboarded
    station = open_copy(root / "data", tmp_path / "data")
    try:
        accept_product(station, station.boss, "nut")
        with station.db.transaction() as s:
            trust_key(s, public_pem(DESK_KEY.public_key()), "Review desk", station.boss)
            s.add(Alarm(kind="failsafe", detail={}))  # manual mode: every frame waits for a person
        pipeline = Pipeline(station, station.otto, "desk test")
        use_product(station, station.boss, "nut")
        [nut] = [r.inspection_id for r in pipeline.inspect([replace(FolderSource(photos / "chipped").read(),
                                                                     timestamp=time.time() + 1)])]
        use_no_product(station, station.boss)
        [washer] = [r.inspection_id for r in pipeline.inspect([replace(FolderSource(photos / "good").read(),
                                                                       timestamp=time.time() + 2)])]
        plant = PlantDatabase(plant_url)
        forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-7")
        assert forwarder.forward_all(wait_s=0.01).done
        desk = SigningDesk(plant, "alice")
        frames = {f.sequence: f for f in desk.page()}
        assert frames[nut].product == "nut v1" and frames[washer].product == ""
        assert [c.key for c in desk.classes("line-7", "nut v1")] == ["crack", "good", "scratch", "chipped"]
        assert {c.key for c in desk.classes("line-7", "")} == {c.key for c in station.config.classes}
        assert desk.claim(frames[nut].key)
        desk.decide(frames[nut].key, "chipped", False, "at the desk")
        assert forwarder.forward_all(wait_s=0.01).desk_decisions == 1
        with station.db.session() as s:
            taken = s.scalar(select(Review).where(Review.inspection_id == nut))
            assert (taken.label, taken.good) == ("chipped", False)
        assert {d["inspection"]: d["outcome"] for d in desk.decisions()} == {nut: "recorded"}
    finally:
        station.close()
