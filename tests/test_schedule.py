"""The self-test schedule: when each test is due, what keeps it, and the report's word on it."""

from datetime import datetime, timedelta, timezone

from station import config
from station.selftest.schedule import GRACE, schedule_kept, schedule_state
from station.storage.db import sqlite_url
from station.records import open_records
from station.storage.models import SelftestRun
from station import audit

NOW = datetime.now(timezone.utc)
EFFECTIVE = {"by_eps": {"eps=8/255": {"attack_effective": True}}, "attack_effective": True}
INEFFECTIVE = {"by_eps": {"eps=8/255": {"attack_effective": False}}, "attack_effective": False}


def _db(tmp_path):
    db = open_records(sqlite_url(tmp_path))
    with db.transaction() as s:
        audit.record(s, "setup", "station.created")
    return db


def _run(s, kind, days_ago, summary=None, status="done"):
    at = NOW - timedelta(days=days_ago)
    run = SelftestRun(kind=kind, params={}, status=status, summary=summary or {}, started_at=at, finished_at=at)
    s.add(run)
    s.flush()
    return run


def test_a_new_station_is_due_a_schedule_from_its_start(tmp_path):
    db, cfg = _db(tmp_path), config.default_config()
    with db.session() as s:
        prm, probe = schedule_state(s, cfg)
    assert prm.last_run is None and prm.status(NOW) == "ok"
    assert prm.status(NOW + timedelta(days=7, hours=1)) == "due"
    assert prm.status(NOW + timedelta(days=7) + GRACE + timedelta(hours=1)) == "overdue"
    assert probe.status(NOW + timedelta(days=8)) == "ok"  # every 30 days by default
    cfg.schedule.prm_every_days = 0
    with db.session() as s:
        assert schedule_state(s, cfg)[0].status(NOW + timedelta(days=400)) == "off"


def test_only_an_attack_that_bit_keeps_the_schedule(tmp_path):
    db, cfg = _db(tmp_path), config.default_config()
    with db.transaction() as s:
        _run(s, "prm", 10, EFFECTIVE)
        _run(s, "prm", 1, INEFFECTIVE)  # says nothing about the station: does not count
        _run(s, "prm", 0.5, EFFECTIVE, status="cancelled")
    with db.session() as s:
        prm = schedule_state(s, cfg)[0]
        assert prm.last_run is not None and (NOW - prm.last_run).days == 10
        assert prm.status(NOW) == "overdue" and "OVERDUE" in prm.describe(NOW)
    with db.transaction() as s:
        _run(s, "prm", 0, EFFECTIVE)
    with db.session() as s:
        assert schedule_state(s, cfg)[0].status(NOW) == "ok"


def test_the_report_says_whether_a_run_kept_the_schedule(tmp_path):
    db = _db(tmp_path)
    with db.transaction() as s:
        _run(s, "prm", 30, EFFECTIVE)
        on_time = _run(s, "prm", 24, EFFECTIVE)
        late = _run(s, "prm", 3, EFFECTIVE)
        assert "kept the schedule" in schedule_kept(s, on_time, 7)
        assert "came 14 day(s) late" in schedule_kept(s, late, 7)
        assert "not scheduled" in schedule_kept(s, late, 0)
