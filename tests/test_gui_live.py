"""The live page tells the truth from two metres: no old verdict when the line is stopped, nobody is signed in,
the camera is lost or no part has come for a while; a part that needs a person holds the screen, names itself and
is what the database recorded for review."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from station.auth import sign_in
from station.storage.models import Inspection
from station.catalog import CLASS_INDEX
from station.synth.samples import draw_sample
from ui.app import build_window
from ui.live_display import LiveDisplay, Show

from conftest import PW


# ----------------------------------------------------------------- the rules, on a clock of the test's own

@dataclass
class Decision:
    verdict: str


@dataclass
class Result:
    inspection_id: int
    decision: Decision


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def part(i: int, verdict: str) -> Result:
    return Result(i, Decision(verdict))


def test_the_banner_never_shows_an_old_verdict():
    clock = Clock()
    d = LiveDisplay(hold_seconds=10, stale_seconds=5, clock=clock)
    assert d.screen().show == Show.SIGNED_OUT
    d.sign_in_changed(True)
    assert d.screen().show == Show.STOPPED
    d.started()
    assert d.screen().show == Show.WAITING
    d.result(part(1, "PASS"), [])
    assert (d.screen().show, d.screen().result.inspection_id) == (Show.PASS, 1)
    clock.now += 5  # no part for a while: the PASS no longer describes what is in front of the camera
    assert d.screen().show == Show.WAITING and d.screen().result is None
    d.result(part(2, "FAIL"), [])
    d.camera_lost("no picture for 3 s")
    screen = d.screen()
    assert screen.show == Show.CAMERA_LOST and screen.result is None and "3 s" in screen.camera_message
    d.camera_back()
    assert d.screen().show == Show.WAITING  # the FAIL from before the loss does not come back
    d.result(part(3, "FAIL"), [])
    d.stopped()
    assert d.screen().show == Show.STOPPED and d.screen().result is None
    d.sign_in_changed(False)
    assert d.screen().show == Show.SIGNED_OUT


def test_a_part_for_a_person_holds_the_banner_until_confirmed_or_the_time_is_up():
    clock = Clock()
    d = LiveDisplay(hold_seconds=10, stale_seconds=5, clock=clock)
    d.sign_in_changed(True)
    d.started()
    d.result(part(7, "REVIEW"), [part(7, "REVIEW")])
    d.result(part(8, "PASS"), [])  # the line goes on: later parts do not replace the held one
    screen = d.screen()
    assert (screen.show, screen.result.inspection_id, [r.inspection_id for r in screen.held]) == (Show.REVIEW, 7, [7])
    clock.now += 3
    d.result(part(11, "PASS"), [part(9, "REVIEW"), part(10, "REVIEW")])  # two arrived between two looks
    screen = d.screen()
    assert [r.inspection_id for r in screen.held] == [7, 9, 10] and screen.result.inspection_id == 10
    assert [r.inspection_id for r in d.confirm()] == [7, 9, 10]
    assert d.screen().show == Show.PASS and d.screen().result.inspection_id == 11
    d.result(part(12, "REVIEW"), [part(12, "REVIEW")])
    clock.now += 9.9
    assert d.screen().show == Show.REVIEW
    clock.now += 0.2
    assert d.screen().show == Show.WAITING  # the hold is over; the REVIEW itself is not shown as a verdict

    until_confirmed = LiveDisplay(hold_seconds=0, stale_seconds=5, clock=clock)
    until_confirmed.signed_in = True
    until_confirmed.started()
    until_confirmed.result(part(20, "REVIEW"), [part(20, "REVIEW")])
    clock.now += 3600
    assert until_confirmed.screen().show == Show.REVIEW


# ----------------------------------------------------------------- the real page

@pytest.fixture
def live_window(qtbot, station, monkeypatch):
    for kind in ("information", "warning", "question"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "otto", PW, via="test"))
    window.activateWindow()
    yield window
    window.page("LivePage").stop_and_wait()


def test_parts_to_check_by_hand_are_named_on_screen_as_recorded(qtbot, station, live_window, tmp_path):
    """Every part the station sent to review during a run is on the take-off notice, by the number the review
    queue knows it by; Space confirms; the stopped line shows no verdict and no picture."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, key in enumerate(["washer/good", "washer/scratch", "washer/good", "washer/crack", "washer/good"]):
        Image.fromarray(draw_sample(9, i, 256, class_index=CLASS_INDEX[key]).image).save(folder / f"{i}.png")
    station.config.thresholds.conf_a = 0.999  # the vision model is rarely that sure: most parts need a person
    live = live_window.page("LivePage")
    live.display.hold_seconds = 0  # held until the operator confirms
    live.source_box.setCurrentIndex(live.source_box.findData("folder"))
    live.target_edit.setText(str(folder))
    qtbot.mouseClick(live.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not live.running, timeout=60_000)  # the folder ends, the line stops
    with station.db.session() as s:
        for_review = list(s.scalars(select(Inspection.id).where(Inspection.verdict == "REVIEW").order_by(Inspection.id)))
    assert for_review, "no part went to review: the test shows nothing"
    notice = live.take_off_label.text()
    assert live.take_off_box.isVisible()
    assert [r.inspection_id for r in live.display.held] == for_review  # every one, none lost between two looks
    assert f"Take these {len(for_review)} parts" in notice if len(for_review) > 1 else "Take part no." in notice
    assert notice.endswith(", ".join(str(i) for i in for_review[-3:]))  # the newest, nearest the operator
    assert live.banner.state == "stopped" and live.camera_view.pixmap().isNull()
    qtbot.keyClick(live, Qt.Key.Key_Space)
    assert not live.take_off_box.isVisible() and live.display.held == []


def test_a_lost_camera_is_said_on_the_banner_not_hidden_under_the_last_verdict(qtbot, live_window):
    live = live_window.page("LivePage")
    live.source_box.setCurrentIndex(live.source_box.findData("camera"))
    live.target_edit.setText("97")  # no such device: the source reports it lost and keeps retrying
    live.start()
    qtbot.waitUntil(lambda: live.banner.state == "camera lost", timeout=20_000)
    assert live.banner.text() == "NO CAMERA" and live.banner.detail
    assert live.camera_view.pixmap().isNull()
    live.stop()
    qtbot.waitUntil(lambda: not live.running, timeout=20_000)
    assert live.banner.state == "stopped"


def test_signing_out_clears_the_screen(qtbot, live_window, monkeypatch):
    monkeypatch.setattr(type(live_window), "ask_sign_in", lambda self, hint="": False)
    live = live_window.page("LivePage")
    live.start()
    qtbot.waitUntil(lambda: live.banner.state in ("PASS", "FAIL", "REVIEW"), timeout=30_000)
    live.stop_and_wait()
    live_window.sign_out("user")
    assert live.banner.state == "signed out" and live.check_a_label.text() == "-"


def test_the_layout_does_not_jump_between_verdicts(qtbot, live_window):
    """PASS, FAIL, CHECK BY HAND (with its take-off notice and the longest reasons), STOPPED: the sign and the
    picture keep their place."""
    from gui_fit import LONGEST_REASON, fake_result

    live = live_window.page("LivePage")
    live_window.resize(1024, 768)
    qtbot.wait(20)

    def shown(verdict: str, i: int):
        r = fake_result(verdict, i, LONGEST_REASON if verdict == "REVIEW" else "")
        live.display.result(r, [r] if verdict == "REVIEW" else [])
        live.render()
        qtbot.wait(10)
        return live.banner.geometry(), live.camera_view.geometry()

    live.display.started()
    places = {shown("PASS", 1), shown("FAIL", 2), shown("REVIEW", 3)}
    assert live.take_off_box.isVisible() and live.reason_label.text()
    live.display.stopped()
    live.display.confirm()
    live.render()
    places.add((live.banner.geometry(), live.camera_view.geometry()))
    assert len(places) == 1, places
