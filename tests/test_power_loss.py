"""A power cut (or a data folder restored from a copy) takes the database back in time: the station starts
again, moves the images no row names into quarantine, names the audit events that were lost, and records both,
so `audit verify` reads intact with a note instead of an eternal alarm. `audit verify` needs no sign-in: it runs
when the accounts, the trail or the key are what was damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from station.audit.station_check import check_station
from station.auth import create_user, sign_in
from station.synth.camera import SyntheticSource
from station.cli import main
from station.pipeline import Pipeline
from station.runtime import Station
from station.storage.models import AuditEvent, Inspection

PW = "password-123"


def run(station: Station, frames: int) -> None:
    boss = sign_in(station.db, "boss", PW, via="test")
    Pipeline(station, operator=boss, source_name="test").run(SyntheticSource(seed=7, size=96), max_frames=frames)


def copy_database(data: Path, to: Path) -> None:
    """What survives a power cut with the newest transactions not yet durable: an earlier state of the file."""
    with sqlite3.connect(data / "station.db") as src, sqlite3.connect(to) as dst:
        src.backup(dst)


def images_on_disk(data: Path) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in (data / "images").glob("????-??-??/*.png")}


@pytest.fixture
def data(tmp_path) -> Path:
    data = tmp_path / "data"
    st = Station.open(data)
    with st.db.transaction() as s:
        create_user(s, "boss", "manager", PW, None)
    run(st, 4)
    st.close()
    return data


def test_a_database_gone_back_in_time_is_recovered_and_named(data, tmp_path, capsys):
    copy_database(data, tmp_path / "before.db")
    st = Station.open(data)
    run(st, 3)  # these rows and events are lost; their images stay on disk
    st.close()
    on_disk_before = images_on_disk(data)
    (data / "station.db").unlink()
    for extra in ("station.db-wal", "station.db-shm"):
        (data / extra).unlink(missing_ok=True)
    (tmp_path / "before.db").rename(data / "station.db")

    st = Station.open(data)  # the restart after the power cut
    try:
        with st.db.session() as s:
            rows = {r for r in s.scalars(select(Inspection.image_path))}
            actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.record_id.is_(None)))]
            lost = s.scalar(select(AuditEvent).where(AuditEvent.action == "audit.tail_lost"))
            moved = s.scalar(select(AuditEvent).where(AuditEvent.action == "images.quarantined"))
        assert images_on_disk(data) == rows  # every image has its row again, every row its image
        assert len(on_disk_before - rows) == 3 and moved.detail["count"] == 3
        assert {p.name for p in (data / "images" / "quarantine").rglob("*.png")} == \
               {p.split("/")[1] for p in on_disk_before - rows}  # kept, not deleted
        assert lost.detail["lost"] > 0 and "audit.tail_lost" in actions
        report = check_station(st.db, data)
        assert report.ok, report.findings
        assert any("were lost in a crash or restore" in n for n in report.notes)
    finally:
        st.close()
    assert main(["--data-dir", str(data), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "note: the last" in out and "audit trail intact" in out


def test_audit_verify_runs_without_accounts_events_or_key(data, capsys):
    with sqlite3.connect(data / "station.db") as con:
        con.execute("DELETE FROM audit_event")  # every event deleted: the accounts' seals with them
    assert main(["--data-dir", str(data), "audit", "verify"]) == 1  # no sign-in needed, nor possible
    out = capsys.readouterr().out
    assert "trail ends at nothing" in out and "was added outside the station" in out
    assert "sign-in refused" not in out


def test_audit_verify_without_the_key_says_so_and_still_checks_the_chain(data, capsys):
    (data / "audit.key").unlink()
    with sqlite3.connect(data / "station.db") as con:
        con.execute("UPDATE audit_event SET detail = '{\"via\": \"forged\"}' WHERE id = (SELECT max(id) FROM "
                    "audit_event WHERE record_id IS NULL)")
    assert main(["--data-dir", str(data), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "audit.key is missing" in out and "was edited" in out
