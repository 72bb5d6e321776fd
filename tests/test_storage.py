"""Database schema, SQLite settings, the crash-safe image store, the audit chain."""

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from station import audit
from station.audit.attach import attach
from station.storage.db import Database, sqlite_url
from station.storage.images import ImageStore
from station.storage.models import AuditEvent, Base, Inspection

@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    url = sqlite_url(tmp_path) if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = attach(Database(url, data_dir=tmp_path))  # storage with the audit trail, as the station opens it
    yield database
    database.close()


def _length_only(change) -> bool:
    """A VARCHAR length difference, which SQLite does not keep (migrations leave such columns alone there)."""
    from sqlalchemy import String

    return (isinstance(change, list) and len(change) == 1 and change[0][0] == "modify_type"
            and isinstance(change[0][5], String) and isinstance(change[0][6], String))


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    if db.engine.dialect.name == "sqlite":
        diff = [d for d in diff if not _length_only(d)]
    assert diff == []


def test_upgrading_keeps_every_record(tmp_path):
    """A station from the previous schema, with a reviewed inspection, upgraded: nothing is lost (a table rebuilt
    on SQLite with foreign keys on would take the reviews with it)."""
    from station.storage.db import make_engine, upgrade

    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    upgrade(engine, "0003_audit_seals_trusted_keys")
    with engine.begin() as c:
        c.execute(text("INSERT INTO user (id, username, role, password_hash, display_name, active, created_at) "
                       "VALUES (1, 'rita', 'reviewer', 'x', '', 1, '2026-12-01 00:00:00')"))
        c.execute(text("INSERT INTO inspection (id, created_at, source, origin, image_path, image_sha256, width, "
                       "height, verdict, reason, label_a, conf_a, label_b, conf_b, latency_ms, manual_mode) VALUES "
                       "(1, '2026-12-01 00:00:00', 's', 'o', 'd/x.png', 'ab', 1, 1, 'REVIEW', 'disagreement', "
                       "'a', 0.5, 'b', 0.5, 1.0, 0)"))
        c.execute(text("INSERT INTO review (id, inspection_id, label, good, reviewer_id, note, decided_at) VALUES "
                       "(1, 1, 'a', 1, 1, '', '2026-12-01 00:00:00')"))
    upgrade(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM review")).scalar() == 1
        assert c.execute(text("SELECT count(*) FROM inspection")).scalar() == 1
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    database = Database(sqlite_url(tmp_path))
    with database.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.close()


def _row(img, **kw):
    base = dict(source="test", origin="x", image_path=img.relative_path, image_sha256=img.sha256, width=img.width,
                height=img.height, verdict="PASS", label_a="a", conf_a=0.9, label_b="a", conf_b=0.9, latency_ms=1.0)
    base.update(kw)
    return Inspection(**base)


def _recorded(db):
    def lookup(name):
        with db.session() as s:
            return s.scalar(select(Inspection.image_path).where(Inspection.image_path.like(f"%/{name}")))
    return lookup


def test_interrupted_writes_are_recovered(db, tmp_path):
    store = ImageStore(tmp_path / "images")
    image = np.random.default_rng(0).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    # crash after the image was written, before its row: the image must go
    orphan = store.stage(image)
    # crash after the row was committed, before publishing: the image must stay
    kept = store.stage(image)
    with db.transaction() as s:
        s.add(_row(kept))
    assert np.array_equal(store.read(kept.relative_path, kept.sha256), image)  # readable meanwhile
    result = store.recover(_recorded(db))
    assert result == {"published": 1, "removed": 1}
    assert (store.root / kept.relative_path).exists()
    assert not store.path_of(orphan.relative_path).exists()
    assert list(store.pending.iterdir()) == []


def test_tampered_image_is_detected(tmp_path):
    store = ImageStore(tmp_path / "images")
    img = store.stage(np.zeros((8, 8, 3), np.uint8))
    store.publish(img)
    other = ImageStore.encode(np.full((8, 8, 3), 255, np.uint8))
    (store.root / img.relative_path).write_bytes(other)
    with pytest.raises(ValueError, match="does not match its recorded sha256"):
        store.read(img.relative_path, img.sha256)


def test_audit_chain_detects_edits_and_deletions(db):
    with db.transaction() as s:
        for i in range(5):
            audit.record(s, "alice", "test.event", n=i)
    with db.session() as s:
        check = audit.verify(s)
        assert check.ok and check.events == 6  # and the event that created the station's audit key
        ids = list(s.scalars(select(AuditEvent.id).where(AuditEvent.action == "test.event").order_by(AuditEvent.id)))
    with db.transaction() as s:
        s.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :i"), {"i": ids[2]})
    with db.session() as s:
        check = audit.verify(s)
        assert check.first_broken_id == ids[2] and "edited" in check.problem
    with db.transaction() as s:
        s.execute(text("UPDATE audit_event SET actor = 'alice' WHERE id = :i"), {"i": ids[2]})
        s.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": ids[1]})
    with db.session() as s:
        check = audit.verify(s)
        assert check.first_broken_id == ids[2] and "removed" in check.problem


def test_unreachable_database_is_a_clear_error(tmp_path):
    from station.storage.db import DatabaseError

    with pytest.raises(DatabaseError, match="cannot open or upgrade the database"):
        Database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")


def test_a_reader_never_upgrades_the_schema_and_says_how(tmp_path, capsys):
    """Only `station db upgrade` (or a station starting on its own database) changes the schema; any other
    command meeting an older one is refused with that command named."""
    from station.cli import main
    from station.storage.db import DatabaseError, head_revision, make_engine, schema_revision, upgrade

    from station.config import default_config, save

    save(default_config(), tmp_path)
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine, "0005_sign_in_failures")
    with pytest.raises(DatabaseError, match="station db upgrade"):
        Database(sqlite_url(tmp_path))
    assert schema_revision(engine) == "0005_sign_in_failures"  # untouched by the refused reader
    assert main(["--data-dir", str(tmp_path), "db", "upgrade"]) == 0
    assert f"0005_sign_in_failures -> {head_revision()}" in capsys.readouterr().out
    assert schema_revision(engine) == head_revision()
    engine.dispose()
    Database(sqlite_url(tmp_path)).close()


def test_a_command_that_starts_the_station_upgrades_its_own_database_and_a_reader_does_not(tmp_path):
    """After a software update: `inspect`, `serve` and the demo start the station, which upgrades the SQLite
    database it owns (as Station.open does); a command that only reads refuses the older schema and says how."""
    from station import config
    from station.errors import StationError
    from station.service.records import open_database
    from station.storage.db import head_revision, make_engine, schema_revision, upgrade

    config.save(config.default_config("washer"), tmp_path)
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine, "0006_pack_sequences")
    engine.dispose()
    with pytest.raises(StationError, match="station db upgrade"):
        open_database(tmp_path).close()
    open_database(tmp_path, starting=True).close()
    engine = make_engine(sqlite_url(tmp_path))
    assert schema_revision(engine) == head_revision()
    engine.dispose()


def _inspection(c, row_id: int, verdict: str) -> None:
    c.execute(text("INSERT INTO inspection (id, created_at, source, origin, image_path, image_sha256, width, height, "
                   "verdict, reason, label_a, conf_a, label_b, conf_b, latency_ms, manual_mode) VALUES "
                   f"({row_id}, '2026-12-01 00:00:00', 's', 'o', 'd/{row_id}.png', 'ab', 1, 1, '{verdict}', '', "
                   "'a', 0.5, 'b', 0.5, 1.0, false)"))


def _queue(c) -> list[int]:
    return [r[0] for r in c.execute(text("SELECT inspection_id FROM review_waiting ORDER BY 1"))]


def test_the_database_keeps_the_review_queue_whatever_writes(db):
    """Frames join the queue and leave it by the database's own triggers, on SQLite and on PostgreSQL, for any
    writer (a bulk insert, the CLI, sqlite3): the queue the Review page reads is the frames that wait."""
    with db.engine.begin() as c:
        _inspection(c, 1, "REVIEW")
        _inspection(c, 2, "PASS")
        _inspection(c, 3, "REVIEW")
        assert _queue(c) == [1, 3]
        c.execute(text("INSERT INTO review (inspection_id, label, good, note, decided_at) "
                       "VALUES (1, 'a', true, '', '2026-12-01 00:00:00')"))
        assert _queue(c) == [3]  # decided: out
        c.execute(text("DELETE FROM review WHERE inspection_id = 1"))
        assert _queue(c) == [1, 3]  # its decision gone: waiting again
        c.execute(text("UPDATE inspection SET verdict = 'REVIEW' WHERE id = 2"))
        c.execute(text("UPDATE inspection SET verdict = 'FAIL' WHERE id = 3"))
        assert _queue(c) == [1, 2]
        c.execute(text("DELETE FROM inspection WHERE id = 1"))
        assert _queue(c) == [2]


def test_upgrading_puts_the_frames_that_wait_in_the_queue(tmp_path):
    from station.storage.db import make_engine, upgrade

    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine, "0008_recipe_numbers")
    with engine.begin() as c:
        for row_id, verdict in ((1, "REVIEW"), (2, "REVIEW"), (3, "PASS"), (4, "REVIEW")):
            _inspection(c, row_id, verdict)
        c.execute(text("INSERT INTO review (inspection_id, label, good, note, decided_at) "
                       "VALUES (2, 'a', 1, '', '2026-12-01 00:00:00')"))
    upgrade(engine)
    with engine.begin() as c:
        assert _queue(c) == [1, 4]
        _inspection(c, 5, "REVIEW")  # and the triggers keep it from then on
        assert _queue(c) == [1, 4, 5]
    engine.dispose()


def test_a_frame_taken_out_of_the_review_queue_is_reported(db, tmp_path):
    """The queue is the Review page's only way to a frame: one deleted from it outside the station would never be
    seen by a person, and `station audit verify` says which."""
    store = ImageStore(tmp_path / "images")
    image = np.zeros((8, 8, 3), np.uint8)
    with db.transaction() as s:
        rows = [_row(store.stage(image), verdict="REVIEW") for _ in range(2)]
        s.add_all(rows)
    with db.session() as s:
        assert audit.verify(s).ok
    with db.transaction() as s:
        s.execute(text("DELETE FROM review_waiting WHERE inspection_id = :i"), {"i": rows[1].id})
    with db.session() as s:
        check = audit.verify(s)
    assert not check.ok and f"inspection {rows[1].id}" in str(check) and "missing from the review queue" in str(check)
