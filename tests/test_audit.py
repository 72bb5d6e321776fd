"""Tamper evidence on a real station's records: each test edits the database (or its files) the way someone
with sqlite3 would, and `station audit verify` must name what was done."""

import hashlib
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from station import audit, config
from station.audit.chain import canonical, event_hash
from station.audit.station_check import check_station
from station.auth import create_user
from station.synth.camera import SyntheticSource
from station.cli import main
from station.pipeline import Pipeline
from station.review import decide, settings_answers
from station.runtime import Station
from station.storage.db import sqlite_url
from station.records import open_records
from station.storage.models import User

PW = "password-123"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A station that has inspected frames (some sent to review, one decided), with three accounts."""
    data = tmp_path_factory.mktemp("audit") / "data"
    st = Station.open(data)
    try:
        with st.db.transaction() as s:
            boss = create_user(s, "boss", "manager", PW, by=None)
            olga = create_user(s, "olga", "operator", PW, by=boss)
            create_user(s, "rita", "reviewer", PW, by=boss)
            s.expunge(olga)
        st.config.thresholds.conf_a = 0.99  # most frames wait for review
        Pipeline(st, operator=olga, source_name="simulated").run(SyntheticSource(seed=5, defect_rate=0.5, size=96), max_frames=10)
        with st.db.transaction() as s:
            from station.storage.models import Inspection, User

            rita = s.query(User).filter_by(username="rita").one()
            first = s.query(Inspection).filter_by(verdict="REVIEW").order_by(Inspection.id).first()
            decide(s, first.id, "washer/scratch", settings_answers(st), rita, note="deep scratch")
    finally:
        st.close()
    return data


@pytest.fixture
def data(template, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(template, copy)
    return copy


def sql(data: Path, statement: str, *params):
    with sqlite3.connect(data / "station.db") as con:
        return con.execute(statement, params).fetchall()


def findings(data: Path) -> list[str]:
    db = open_records(sqlite_url(data), data, recover=False)  # as `station audit verify` reads it
    try:
        return [str(f) for f in check_station(db, data).findings]
    finally:
        db.close()


def verify_cli(data: Path, capsys) -> tuple[int, str]:
    os.environ["STATION_PASSWORD"] = PW
    try:
        code = main(["--data-dir", str(data), "--user", "boss", "audit", "verify"])
    finally:
        os.environ.pop("STATION_PASSWORD")
    return code, capsys.readouterr().out


def test_an_untouched_station_reads_intact_and_its_files_are_private(data, capsys):
    code, out = verify_cli(data, capsys)
    assert code == 0 and "intact" in out, out
    assert "records match their seals" in out
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "audit.key").stat().st_mode) == 0o600
    for f in (data / "station.db", data / "audit.head"):
        assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f


def test_an_inspection_edited_from_review_to_pass_is_named(data, capsys):
    (row_id,) = sql(data, "SELECT id FROM inspection WHERE verdict = 'REVIEW' ORDER BY id DESC LIMIT 1")[0]
    sql(data, "UPDATE inspection SET verdict = 'PASS', reason = '' WHERE id = ?", row_id)
    code, out = verify_cli(data, capsys)
    assert code == 1 and "NOT intact" in out
    assert f"inspection {row_id}: was changed outside the station" in out and "verdict=PASS" in out


def test_an_operator_promoted_with_sqlite3_is_named(data):
    sql(data, "UPDATE user SET role = 'manager' WHERE username = 'olga'")
    assert any("user " in f and "changed outside" in f and "role=manager" in f for f in findings(data))


def test_a_review_decision_edited_and_the_chain_recomputed_without_the_key_is_caught(data):
    sql(data, "UPDATE review SET label = 'washer/good', good = 1")
    # the forger recomputes every seal digest and hash in the chain, as the old unkeyed trail allowed
    con = sqlite3.connect(data / "station.db")
    with con:
        review = con.execute("SELECT * FROM review").fetchone()
        cols = [d[0] for d in con.execute("SELECT * FROM review").description]
        forged = dict(zip(cols, review))
        forged["good"] = True
        forged["decided_at"] = forged["decided_at"].replace(" ", "T").split("+")[0]
        digest = hashlib.sha256(canonical(forged).encode()).hexdigest()
        con.execute("UPDATE audit_event SET record_digest = ? WHERE record_table = 'review'", (digest,))
        prev = audit.GENESIS
        for row in con.execute("SELECT id, at, actor, action, detail, record_table, record_id, record_digest "
                               "FROM audit_event ORDER BY id").fetchall():
            from datetime import datetime

            event_id, at, actor, action, detail, table, rid, rdigest = row
            h = event_hash(prev, datetime.fromisoformat(at), actor, action, json.loads(detail),
                           (table, rid, rdigest) if table else None)
            con.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, event_id))
            prev = h
    con.close()
    found = findings(data)
    assert any("MAC is wrong" in f for f in found), found


def test_stripping_the_macs_is_caught(data):
    sql(data, "UPDATE audit_event SET mac = ''")
    found = findings(data)
    assert any("checkpoint" in f for f in found) or any("no MAC" in f for f in found), found


def test_deleting_the_newest_audit_events_or_all_of_them_is_caught(data, tmp_path):
    everything = tmp_path / "everything"
    shutil.copytree(data, everything)
    sql(data, "DELETE FROM audit_event WHERE id > (SELECT max(id) - 3 FROM audit_event)")
    assert any("the newest 3 event(s) are gone" in f for f in findings(data))  # a read-only check records nothing
    open_records(sqlite_url(data), data).close()  # the next start names the loss in the trail, for good
    db = open_records(sqlite_url(data), data, recover=False)
    try:
        report = check_station(db, data)
    finally:
        db.close()
    assert any("the last 3 event(s)" in n and "lost in a crash or restore" in n for n in report.notes)
    sql(everything, "DELETE FROM audit_event")
    found = findings(everything)
    assert any("newest events were deleted" in f for f in found), found
    assert any("added outside the station" in f for f in found)  # the records lost their seals


def test_a_deleted_or_inserted_inspection_is_named(data):
    (newest,) = sql(data, "SELECT max(id) FROM inspection")[0]
    sql(data, "DELETE FROM inspection WHERE id = ?", newest)
    assert f"inspection {newest}: was deleted outside the station (its seal remains)" in findings(data)
    sql(data, "INSERT INTO inspection (id, created_at, source, origin, image_path, image_sha256, width, height, "
              "verdict, reason, label_a, conf_a, label_b, conf_b, latency_ms, manual_mode) SELECT ?, created_at, "
              "source, origin, image_path, image_sha256, width, height, 'PASS', '', label_a, conf_a, label_b, conf_b, "
              "latency_ms, manual_mode FROM inspection WHERE id = 1", newest + 100)
    assert any(f"inspection {newest + 100}: was added outside the station" in f for f in findings(data))


def test_an_edited_audit_event_is_named(data):
    (event_id,) = sql(data, "SELECT id FROM audit_event WHERE action = 'review.decide'")[0]
    sql(data, "UPDATE audit_event SET actor = 'mallory' WHERE id = ?", event_id)
    assert any(f"event {event_id}: content does not match its hash" in f for f in findings(data))


def test_a_missing_key_is_reported_and_no_event_can_be_written_without_it(data):
    (data / "audit.key").unlink()
    found = findings(data)
    assert any("audit key" in f and "missing" in f for f in found), found
    db = open_records(sqlite_url(data), data)
    try:
        with pytest.raises(audit.AuditKeyMissing, match="restore it from the station's backup"):
            with db.transaction() as s:
                audit.record(s, "mallory", "anything")
    finally:
        db.close()
    assert not (data / "audit.key").exists()  # not quietly replaced by a new key


def test_hand_edits_to_the_settings_are_reported_then_recorded_old_and_new_at_the_next_start(data):
    cfg = config.load(data)
    cfg.thresholds.conf_b = 0.55
    config.save(cfg, data)  # as an editor would, outside the station
    assert any("station.toml" in f and "thresholds.conf_b" in f for f in findings(data))
    st = Station.open(data)
    try:
        assert st.settings_changed_outside == {"thresholds.conf_b": [0.7, 0.55]}
        with st.db.session() as s:
            event = audit.page(s, limit=1)[0]
    finally:
        st.close()
    assert event.action == "settings.changed_outside" and event.detail["changes"] == {"thresholds.conf_b": [0.7, 0.55]}
    assert findings(data) == []  # recorded now


def test_a_refused_action_is_audited(data, capsys):
    os.environ["STATION_PASSWORD"] = PW
    try:
        assert main(["--data-dir", str(data), "--user", "olga", "failsafe", "reset"]) == 2
    finally:
        os.environ.pop("STATION_PASSWORD")
    assert "may not do 'failsafe.reset'" in capsys.readouterr().err
    ((actor, detail),) = sql(data, "SELECT actor, detail FROM audit_event WHERE action = 'refused'")
    assert actor == "olga" and json.loads(detail)["permission"] == "failsafe.reset"
    assert findings(data) == []


def test_a_changed_imported_model_file_is_refused_and_audited(data):
    from station.models.files import ModelFileError
    from station.runtime import _model_id
    from station.storage.models import ModelRecord

    db = open_records(sqlite_url(data), data)
    try:
        with db.transaction() as s:
            s.add(ModelRecord(kind="clip", name="ViT-B-32", path=str(data / "models" / "vit.pt"), sha256="a" * 64,
                              spec={}, imported_by=1))
            s.add(ModelRecord(kind="clip", name="RN50", path=str(data / "models" / "other.pt"), sha256="c" * 64,
                              spec={}, imported_by=1))
        with pytest.raises(ModelFileError, match="changed since it was imported"):
            _model_id(db, "clip", "ViT-B-32", str(data / "models" / "vit.pt"), "b" * 64, {})
        with pytest.raises(ModelFileError, match="changed since it was imported"):  # even into another known model
            _model_id(db, "clip", "ViT-B-32", str(data / "models" / "vit.pt"), "c" * 64, {})
    finally:
        db.close()
    found = [json.loads(d)["found"] for (d,) in sql(data, "SELECT detail FROM audit_event WHERE action = 'model.changed'")]
    assert found == ["b" * 64, "c" * 64]


def test_two_writers_at_once_keep_one_unbroken_chain(tmp_path):
    """Two connections (as two processes would) append events and seal records concurrently."""
    import threading

    from station.storage.models import Alarm

    first = open_records(sqlite_url(tmp_path), tmp_path)
    second = open_records(sqlite_url(tmp_path), tmp_path)
    errors = []

    def write(db, who):
        try:
            for i in range(40):
                with db.transaction() as s:
                    s.get(Alarm, 1)  # a read first: the chain's end must not move between it and the write
                    audit.record(s, who, "test.event", n=i)
                    s.add(Alarm(kind=who, detail={"n": i}))
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(db, who)) for db, who in ((first, "a"), (second, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        with first.session() as s:
            report = audit.verify(s)
        assert report.ok, report.findings
        assert report.records == 80
    finally:
        first.close()
        second.close()


def test_new_events_do_not_carry_the_checkpoint_past_deleted_ones(data, capsys):
    """SQLite reuses the ids of deleted rows: the events written next must not make the deletion vanish."""
    sql(data, "DELETE FROM review")
    sql(data, "DELETE FROM audit_event WHERE id > (SELECT max(id) - 4 FROM audit_event)")
    for _ in range(3):  # commands that write: sign-ins, and failed sign-ins, which need no password
        for user, password in (("boss", PW), ("nobody", "wrong-password")):
            os.environ["STATION_PASSWORD"] = password
            try:
                main(["--data-dir", str(data), "--user", user, "users", "list"])
            finally:
                os.environ.pop("STATION_PASSWORD")
    code, out = verify_cli(data, capsys)
    # the first of them recorded the loss (ids reused after it cannot hide it), and the records whose seals went
    # with the deleted events stay named
    assert code == 1 and "lost in a crash or restore" in out and "added outside the station" in out, out


def test_a_trail_rewritten_without_macs_and_without_its_checkpoint_is_caught(data):
    sql(data, "UPDATE user SET role = 'manager' WHERE username = 'olga'")
    con = sqlite3.connect(data / "station.db")
    with con:  # the forger drops the keyed start and every MAC and recomputes the plain chain
        from datetime import datetime

        con.execute("DELETE FROM audit_event WHERE action = 'audit.keyed'")
        prev = audit.GENESIS
        for event_id, at, actor, action, detail, table, rid, rdigest in con.execute(
                "SELECT id, at, actor, action, detail, record_table, record_id, record_digest FROM audit_event "
                "ORDER BY id").fetchall():
            h = event_hash(prev, datetime.fromisoformat(at), actor, action, json.loads(detail),
                           (table, rid, rdigest) if table else None)
            con.execute("UPDATE audit_event SET prev_hash = ?, hash = ?, mac = '' WHERE id = ?", (prev, h, event_id))
            prev = h
    con.close()
    (data / "audit.head").unlink()
    found = findings(data)
    assert any("no keyed start" in f for f in found), found
    assert any("checkpoint" in f for f in found), found


def test_a_user_demoted_while_signed_in_acts_with_the_new_role(data):
    """Nothing writes a signed-in copy's old role or activity back."""
    from station.auth import PermissionDenied, acting, set_active, set_role, sign_in

    db = open_records(sqlite_url(data), data)
    try:
        with db.transaction() as s:
            create_user(s, "maria", "manager", PW, by=acting(s, s.query(User).filter_by(username="boss").one()))
        maria = sign_in(db, "maria", PW, via="test")  # as the GUI keeps her
        with db.transaction() as s:
            boss = s.query(User).filter_by(username="boss").one()
            set_role(s, "maria", "operator", by=boss)
            set_active(s, "maria", False, by=boss)
        with pytest.raises(PermissionDenied):
            with db.transaction() as s:
                create_user(s, "mallory", "manager", PW, by=acting(s, maria))
        with db.session() as s:
            row = s.query(User).filter_by(username="maria").one()
            assert (row.role, row.active) == ("operator", False)
            assert s.query(User).filter_by(username="mallory").first() is None
    finally:
        db.close()


def test_an_account_swapped_with_sqlite3_cannot_sign_in(data):
    """Change a row, use it, put it back: the use is refused, so there is nothing to put back."""
    from station.auth import AuthError, hash_password, sign_in

    original = sql(data, "SELECT password_hash FROM user WHERE username = 'boss'")[0][0]
    sql(data, "UPDATE user SET password_hash = ? WHERE username = 'boss'", hash_password("mallory-pass"))
    db = open_records(sqlite_url(data), data)
    try:
        with pytest.raises(AuthError, match="changed outside the station"):
            sign_in(db, "boss", "mallory-pass", via="test")
    finally:
        db.close()
    sql(data, "UPDATE user SET password_hash = ? WHERE username = 'boss'", original)  # ... and put it back
    refused = sql(data, "SELECT actor, detail FROM audit_event WHERE action = 'sign_in.refused_tampered'")
    assert [(actor, json.loads(detail)) for actor, detail in refused] == [("boss", {"account": "boss", "via": "test"})]
    assert not sql(data, "SELECT 1 FROM audit_event WHERE action = 'sign_in.failed' AND actor = 'boss'")


def test_a_trusted_key_swapped_with_sqlite3_is_refused_when_a_pack_names_it(data, tmp_path):
    from station.signing import SigningError, generate_key_pair
    from station.trusted_keys import find_key, trust_key

    _, plant_pub, plant_fp = generate_key_pair(tmp_path / "plant.key")
    _, evil_pub, _ = generate_key_pair(tmp_path / "evil.key")
    db = open_records(sqlite_url(data), data)
    try:
        with db.transaction() as s:
            trust_key(s, plant_pub.read_text(), "Plant A", s.query(User).filter_by(username="boss").one())
        with db.session() as s:
            assert find_key(s, plant_fp).name == "Plant A"
        sql(data, "UPDATE trusted_key SET public_key = ?", evil_pub.read_text())
        with db.session() as s, pytest.raises(SigningError, match="changed outside the station"):
            find_key(s, plant_fp)
    finally:
        db.close()


def test_a_row_sealed_before_a_later_column_existed_still_matches_its_seal_and_nothing_else_does():
    """Migrations 0007 and 0008 added inspection.product_id and product.recipe. A row sealed before then was sealed
    without the key; upgraded, the column reads empty. Its old seal still vouches for it; the same seal does not
    vouch for the row once that column or any other is changed."""
    from datetime import datetime

    from station.audit import seals
    from station.storage.models import Inspection, Product

    inspection = Inspection(id=7, created_at=datetime(2026, 12, 1), source="s", origin="o", image_path="d/x.png",
                            image_sha256="ab", width=1, height=1, verdict="PASS", reason="", label_a="a", conf_a=0.9,
                            label_b="a", conf_b=0.9, latency_ms=1.0, manual_mode=False, product_id=None)
    product = Product(id=3, name="nut", version=1, path="products/nut/v1", sha256="c" * 64, base_model_sha256="d" * 64,
                      spec={}, acceptance={}, created_at=datetime(2026, 12, 2), live=True, recipe=None)
    for row, later in ((inspection, "product_id"), (product, "recipe")):
        before = seals._digest_of({k: v for k, v in seals.row_content(row).items() if k != later})
        assert seals.matches(row, before) and seals.matches(row, seals.digest(row))
        setattr(row, later, 5)  # given a value after the upgrade: the old seal no longer covers it
        assert not seals.matches(row, before)
        setattr(row, later, None)
    inspection.verdict = "FAIL"
    product.live = False
    assert not seals.matches(inspection, seals._digest_of(
        {k: v for k, v in seals.row_content(inspection).items() if k != "product_id"} | {"verdict": "PASS"}))
    assert not seals.matches(product, None)
