"""The plant's review desk window (ui.desk_window): what a reviewer sees is the frame their key decides, at the
plant and then at the station that made it; a frame another desk holds is never shown; no torch is imported."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from station import config as config_mod
from station.auth import create_user
from station.forwarding import Forwarder
from station.pipeline import Pipeline
from station.service.accounts import sign_in_user
from station.service.desk import open_desk
from station.storage.models import Review
from station.storage.objects import FolderObjects
from station.storage.plant import PlantDatabase
from station.storage.plant_desk import DeskConflict, PlantDesk
from station.signing import generate_key_pair
from station.synth.camera import SyntheticSource
from station.trusted_keys import trust_key
from ui.desk_window import DeskWindow

from conftest import PW, REPO

SHOWN = re.compile(r"<b>([\w.-]+), part no\. (\d+)</b>")


@pytest.fixture
def plant(station, tmp_path):
    """A station whose 4 frames all wait for a person, forwarded to a plant (SQLite and a folder store), and a
    desk's data folder naming that plant, with a reviewer (ria) and an operator (olga)."""
    station.config.thresholds.conf_a = 1.0
    Pipeline(station, operator=station.otto, source_name="desk").run(SyntheticSource(seed=9, family="washer"),
                                                                      max_frames=4)
    url, objects = f"sqlite:///{tmp_path / 'plant.db'}", tmp_path / "objects"
    forwarder = Forwarder(station, PlantDatabase(url), FolderObjects(objects), "line-1")
    assert forwarder.forward_all(wait_s=0.01).done
    desk_dir = tmp_path / "desk"
    desk_dir.mkdir()
    _, public, _ = generate_key_pair(desk_dir / "desk.key")  # as `station pack keygen` makes it
    with station.db.transaction() as s:  # the station's manager trusts the desk's key
        trust_key(s, public.read_bytes(), "Review desk", station.boss)
    cfg = config_mod.default_config("washer")
    cfg.plant.station, cfg.plant.database_url, cfg.plant.objects = "desk-1", url, str(objects)
    cfg.plant.desk_key = "desk.key"
    config_mod.save(cfg, desk_dir)
    desk = open_desk(desk_dir)
    with desk.records.db.transaction() as s:
        boss = create_user(s, "bea", "manager", PW, None)
        create_user(s, "ria", "reviewer", PW, boss)
        create_user(s, "olga", "operator", PW, boss)
    yield desk, forwarder
    desk.close()


def shown_frame(window) -> tuple[str, int] | None:
    found = SHOWN.search(window.opinions_label.text())
    return (found[1], int(found[2])) if found and window.ready else None


def test_each_key_decides_the_frame_on_screen_and_its_station_takes_it_back(qtbot, plant, station):
    desk, forwarder = plant
    ria = sign_in_user(desk.records.db, "ria", PW)
    other = PlantDesk(desk.plant, "rob")  # a second desk
    window = DeskWindow(desk, desk.reviewing(ria), ria)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitUntil(lambda: shown_frame(window) is not None, timeout=20_000)
    first = shown_frame(window)
    assert window.table.current().key == first  # the highlighted row is the frame on screen
    assert not other.claim(first)  # on this screen: the other desk cannot have it
    waiting = [f.key for f in other.page()]
    assert first not in waiting and len(waiting) == 3
    assert other.claim(waiting[1])  # the other desk holds the third frame: this desk must never show it

    QTest.keyClick(window, Qt.Key.Key_3)  # the third class of the washer station
    qtbot.waitUntil(lambda: shown_frame(window) not in (None, first), timeout=20_000)
    second = shown_frame(window)
    assert second == waiting[0]
    window.note_edit.setText("burr on the rim")
    QTest.keyClick(window, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: window.decided == 2, timeout=20_000)
    qtbot.waitUntil(lambda: shown_frame(window) is not None or not window.table.rowCount(), timeout=20_000)
    assert shown_frame(window) != waiting[1]  # held elsewhere: skipped
    decided = {(d["station"], d["inspection"]): (d["label"], d["note"], d["reviewer"]) for d in other.decisions()}
    classes = [c.key for c in station.config.classes]
    assert decided == {first: (classes[2], "", "ria"), second: ("no-part", "burr on the rim", "ria")}

    window.tabs.setCurrentIndex(1)  # what the desk decided, in the words of the buttons pressed
    qtbot.waitUntil(lambda: window.outcomes.rowCount() == 2, timeout=20_000)
    answers = {window.outcomes.item(r, 2).text() for r in range(2)}
    assert answers == {station.class_names[classes[2]], "no-part"}
    assert forwarder.forward_all(wait_s=0.01).desk_decisions == 2  # the station takes them back
    with station.db.session() as s:
        labels = {r.inspection_id: r.label for r in s.query(Review)}
    assert labels == {first[1]: classes[2], second[1]: "no-part"}
    window.close()
    assert other.claim(shown_frame(window) or waiting[2])  # closing let the frame on screen go at once


def test_an_operator_cannot_review_at_the_desk(plant):
    from station.auth import PermissionDenied

    desk, _ = plant
    with pytest.raises(PermissionDenied):
        desk.reviewing(sign_in_user(desk.records.db, "olga", PW))


def test_the_desk_imports_no_torch():
    """An office PC with the plant's addresses: the desk, its window and its command load no model."""
    code = ("import sys; import ui.desk_app, station.cli.desk_cmd, station.cli.__main__; "
            "sys.exit(sorted(m for m in ('torch', 'open_clip', 'torchvision') if m in sys.modules) or 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr


def test_the_overview_shows_each_station_and_its_figures(qtbot, plant, station):
    desk, _ = plant
    ria = sign_in_user(desk.records.db, "ria", PW)
    window = DeskWindow(desk, desk.reviewing(ria), ria)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.tabs.setCurrentIndex(2)
    overview = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: overview.lines.rowCount() == 1 and overview.stations.rowCount() == 1, timeout=20_000)
    cells = [overview.lines.item(0, c).text() for c in range(overview.lines.columnCount())]
    assert cells[:3] == ["line-1", "-", "4"] and cells[4] == "100.0%"  # every frame waited for a person
    assert overview.stations.item(0, 0).text() == "line-1" and overview.stations.item(0, 2).text() == "0"
    assert sum(overview.parts_chart.series["line-1"]) == 4
    assert window.minimumSizeHint().width() <= 1024  # the desk fits a 1024 panel, overview included


def test_a_refresh_keeps_the_frame_on_screen_and_its_claim(qtbot, plant):
    """A refreshed page holds new reads of the same frames: the one on screen stays there and stays this desk's
    (letting it go and claiming it again at once could leave it shown here and free for another desk)."""
    desk, _ = plant
    ria = sign_in_user(desk.records.db, "ria", PW)
    window = DeskWindow(desk, desk.reviewing(ria), ria)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: shown_frame(window) is not None, timeout=20_000)
    first = shown_frame(window)
    released, release = [], window.reviewing.release
    window.reviewing.release = lambda frame: (released.append(frame), release(frame))  # watched, still done
    for _ in range(3):
        window.reload()
        qtbot.waitUntil(lambda: window.loading is None, timeout=20_000)
    qtbot.wait(300)  # any release or claim the refresh started has run
    assert shown_frame(window) == first and first not in released
    assert not PlantDesk(desk.plant, "rob").claim(first)


def test_a_desk_without_its_signing_key_says_how_to_make_one(tmp_path):
    cfg = config_mod.default_config("washer")
    cfg.plant.station, cfg.plant.database_url = "desk-2", f"sqlite:///{tmp_path / 'plant.db'}"
    cfg.plant.objects = str(tmp_path)
    config_mod.save(cfg, tmp_path / "desk")
    with pytest.raises(Exception, match=r"station pack keygen --out desk.key.*station keys trust desk.pub"):
        open_desk(tmp_path / "desk")
    open_desk(tmp_path / "desk", signing=False).close()  # listing needs no key


def test_a_decision_the_desk_cannot_record_in_its_own_trail_never_reaches_the_plant(plant):
    """The desk's audit trail is written first: when it cannot be (here, a full disk stood in for by a trigger that
    refuses the entry), the plant gets no decision and the frame is still waiting; a decision the plant refuses
    leaves no entry in the desk's trail."""
    from sqlalchemy import text

    from station.storage.models import AuditEvent

    desk, _ = plant
    ria = sign_in_user(desk.records.db, "ria", PW)
    [frame, second, *_], _ = desk.waiting()
    assert desk.reviewing(ria).claim(frame.key)
    with desk.records.db.transaction() as s:
        s.execute(text("CREATE TRIGGER full_disk BEFORE INSERT ON audit_event "
                       "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
    with pytest.raises(Exception, match="disk is full"):
        desk.decide(ria, frame, "washer/good")
    assert desk.reviewing(ria).decisions() == []  # nothing stored at the plant
    with desk.records.db.transaction() as s:
        s.execute(text("DROP TRIGGER full_disk"))
        before = s.query(AuditEvent).filter_by(action="desk.decide").count()
    with pytest.raises(DeskConflict):
        desk.decide(ria, second, "washer/good")  # not claimed: the plant refuses it
    assert desk.decide(ria, frame, "washer/good") is True
    with desk.records.db.session() as s:
        assert s.query(AuditEvent).filter_by(action="desk.decide").count() == before + 1
    assert [(d["station"], d["inspection"]) for d in desk.reviewing(ria).decisions()] == [frame.key]
