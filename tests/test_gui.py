"""The station window, driven through its real widgets (offscreen), checked in the database afterwards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, select

from station import review
from station.auth import sign_in
from station.capture import Frame
from station.config import CONFIG_NAME
from station.pipeline import Pipeline
from station.runtime import Station
from station.storage.models import Alarm, AuditEvent, Inspection, PromptSet, Review, SelftestRun, User
from station.catalog import CLASS_INDEX
from station.synth.samples import draw_sample
from ui.app import build_window
from ui.pages.settings import GOOD_COLUMN
from ui.signin import SignInDialog

from conftest import PW, wait_for_reads


@pytest.fixture
def messages(monkeypatch):
    """Message boxes answer at once (Yes to questions) and are kept for the test to read."""
    seen: list[tuple[str, str]] = []

    def box(kind, answer=None):
        def show(parent, title, text, *a, **k):
            seen.append((kind, f"{title}: {text}"))
            return answer
        return show

    monkeypatch.setattr(QMessageBox, "information", box("information"))
    monkeypatch.setattr(QMessageBox, "warning", box("warning"))
    monkeypatch.setattr(QMessageBox, "critical", box("critical"))
    monkeypatch.setattr(QMessageBox, "question", box("question", QMessageBox.StandardButton.Yes))
    return seen


@pytest.fixture
def window(qtbot, station, messages):
    w = build_window(station)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.page("LivePage").stop_and_wait()
    for page in w.pages.values():
        if getattr(page, "job", None) is not None:
            page.job.cancel()
            page.job.wait(60_000)


def sign_in_as(window, name: str) -> None:
    window.set_user(sign_in(window.ctx.station.db, name, PW, via="test"))


def visible_pages(window) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count()) if not window.nav.item(i).isHidden()]


def count(station, model, *where) -> int:
    with station.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def record_frames(station, frames: list[Frame]) -> None:
    """Frames the line recorded while the operator otto was signed in."""
    otto = sign_in(station.db, "otto", PW, via="test")
    Pipeline(station, operator=otto, source_name="test").inspect(frames)


def class_frames(per_class: int, seed: int = 11) -> list[Frame]:
    """Frames of every washer class with their truth, as a simulated camera would give them."""
    frames = []
    for key in ["washer/good", "washer/scratch", "washer/crack", "washer/stain", "washer/dent"]:
        for i in range(per_class):
            sample = draw_sample(seed, len(frames), 256, class_index=CLASS_INDEX[key])
            frames.append(Frame(sample.image, len(frames), f"test#{len(frames)}", truth=key))
    return frames


# ----------------------------------------------------------------- operator

def test_operator_signs_in_runs_the_line_and_every_part_is_recorded(qtbot, window, station):
    dialog = SignInDialog(station)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "otto")
    qtbot.keyClicks(dialog.password_edit, "wrong password")
    dialog.try_sign_in()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "wrong user name or password" in dialog.message.text().lower()
    qtbot.keyClicks(dialog.password_edit, PW)
    dialog.try_sign_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    window.set_user(dialog.user)
    assert visible_pages(window) == ["Live inspection"]

    live = window.page("LivePage")
    qtbot.mouseClick(live.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.runner is not None and live.runner.frames >= 25, timeout=60_000)
    qtbot.waitUntil(lambda: live.banner.state in ("PASS", "FAIL", "REVIEW"), timeout=5_000)
    assert live.camera_view.pixmap() is not None and not live.camera_view.pixmap().isNull()
    qtbot.mouseClick(live.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not live.running, timeout=20_000)
    assert live.banner.state == "stopped" and live.camera_view.pixmap().isNull()  # no old verdict, no old picture

    shown = {k: int(live.count_labels[k].text()) for k in ("PASS", "FAIL", "REVIEW", "ALL")}
    with station.db.session() as s:
        rows = list(s.scalars(select(Inspection)))
        otto = s.scalar(select(User).where(User.username == "otto"))
        actions = [e.action for e in s.scalars(select(AuditEvent))]
    assert shown["ALL"] == len(rows) >= 25
    for verdict in ("PASS", "FAIL", "REVIEW"):
        assert shown[verdict] == sum(r.verdict == verdict for r in rows)
    assert {r.operator_id for r in rows} == {otto.id}
    assert "sign_in.failed" in actions and "sign_in" in actions


def test_failsafe_trips_on_the_live_page_and_only_a_manager_resets_it(qtbot, window, station):
    station.config.thresholds.conf_a = 1.0  # nothing is sure enough: every part goes to review
    window.ctx.pipeline.monitor.window, window.ctx.pipeline.monitor.min_frames = 10, 5
    sign_in_as(window, "otto")
    live = window.page("LivePage")
    live.start()
    qtbot.waitUntil(lambda: live.alarm_box.isVisible(), timeout=60_000)
    live.stop_and_wait()
    assert not live.reset_button.isEnabled()  # an operator sees the alarm but cannot clear it
    assert count(station, Alarm, Alarm.reset_at.is_(None)) == 1

    sign_in_as(window, "boss")
    assert live.reset_button.isEnabled()
    qtbot.mouseClick(live.reset_button, Qt.MouseButton.LeftButton)
    assert not live.alarm_box.isVisible()
    assert count(station, Alarm, Alarm.reset_at.is_(None)) == 0
    assert count(station, AuditEvent, AuditEvent.action == "failsafe.reset") == 1


# ----------------------------------------------------------------- reviewer

def test_reviewer_clears_the_queue_with_number_keys_and_notes(qtbot, window, station):
    station.config.thresholds.conf_a = 1.0
    record_frames(station, class_frames(2))
    with station.db.session() as s:
        pending = review.pending_count(s)
    assert pending == 10

    sign_in_as(window, "rita")
    wait_for_reads(qtbot, window)
    assert visible_pages(window) == ["Live inspection", "Review queue (10)"]  # the page list counts what waits
    window.show_page("ReviewPage")
    page = window.page("ReviewPage")
    window.activateWindow()
    qtbot.waitUntil(lambda: page.table.rowCount() == pending, timeout=20_000)

    first = page.current().id
    qtbot.keyClick(page.table, Qt.Key.Key_2)  # "2": scratched washer, recorded at once
    second = page.current().id
    assert second != first
    qtbot.keyClick(page.table, Qt.Key.Key_S)  # skip
    third = page.current().id
    assert third != second
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "burr at hole 2")  # digits in a note are text, not decisions
    qtbot.mouseClick(page.class_buttons[0], Qt.MouseButton.LeftButton)

    with station.db.session() as s:
        reviews = {r.inspection_id: r for r in s.scalars(select(Review))}
        rita = s.scalar(select(User).where(User.username == "rita"))
    assert set(reviews) == {first, third}
    assert reviews[first].label == "washer/scratch" and not reviews[first].good
    assert reviews[third].label == "washer/good" and reviews[third].good and reviews[third].note == "burr at hole 2"
    assert {r.reviewer_id for r in reviews.values()} == {rita.id}
    assert count(station, AuditEvent, AuditEvent.action == "review.decide") == 2
    assert page.table.rowCount() == pending - 2
    assert "8 part(s) waiting" in page.count_label.text()

    fourth = page.current().id
    qtbot.keyClick(page.table, Qt.Key.Key_X)  # no whole part in view: not a class of the station
    with station.db.session() as s:
        no_part = s.scalar(select(Review).where(Review.inspection_id == fourth))
    assert no_part.label == "no-part" and not no_part.good


# ----------------------------------------------------------------- manager

def test_manager_changes_settings_and_users_and_verifies_the_audit_trail(qtbot, window, station, messages,
                                                                           monkeypatch):
    sign_in_as(window, "boss")
    assert len(visible_pages(window)) == 7
    window.show_page("SettingsPage")
    settings = window.page("SettingsPage")
    settings.conf_b.setValue(0.8)
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert station.config.thresholds.conf_b == pytest.approx(0.8)  # thresholds apply at once
    assert "conf_b = 0.8" in (station.data_dir / CONFIG_NAME).read_text()
    assert count(station, AuditEvent, AuditEvent.action == "settings.change") == 1

    for r in range(settings.classes.rowCount()):  # no good class: refused, nothing written
        settings.classes.item(r, GOOD_COLUMN).setCheckState(Qt.CheckState.Unchecked)
    before = (station.data_dir / CONFIG_NAME).read_text()
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert messages[-1][0] == "warning" and "never PASS" in messages[-1][1]
    assert (station.data_dir / CONFIG_NAME).read_text() == before

    window.show_page("UsersPage")
    users = window.page("UsersPage")
    from ui.pages.users import AddUserDialog

    def fill_in(dialog):
        dialog.name_edit.setText("una")
        dialog.role_box.setCurrentIndex(dialog.role_box.findData("reviewer"))
        dialog.password_edit.setText("a long password")
        dialog.repeat_edit.setText("a long password")
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(AddUserDialog, "exec", fill_in)
    users.add_user()
    assert sign_in(station.db, "una", "a long password", via="test").role == "reviewer"
    wait_for_reads(qtbot, users)
    assert "una" in [u.username for u in users.users]
    users.user_table.setCurrentCell([u.username for u in users.users].index("otto"), 0)
    users.toggle_active()
    wait_for_reads(qtbot, users)
    with station.db.session() as s:
        assert not s.scalar(select(User).where(User.username == "otto")).active
    with pytest.raises(Exception, match="deactivated"):
        sign_in(station.db, "otto", PW, via="test")
    users.user_table.setCurrentCell([u.username for u in users.users].index("boss"), 0)
    users.toggle_active()  # the last manager cannot switch themself off
    assert "last active manager" in messages[-1][1]
    qtbot.mouseClick(users.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "intact" in users.verify_label.text(), timeout=20_000)
    assert "NOT" not in users.verify_label.text()
    wait_for_reads(qtbot, users)
    assert users.audit_table.rowCount() == count(station, AuditEvent, AuditEvent.record_id.is_(None))


def test_manager_runs_both_self_tests_and_opens_a_run(qtbot, window, station, monkeypatch):
    sign_in_as(window, "boss")
    window.show_page("SelftestPage")
    page = window.page("SelftestPage")
    page.probe_images.setValue(2)  # the probe's minimum: what is shown, not what is found
    qtbot.mouseClick(page.probe_button, Qt.MouseButton.LeftButton)
    assert page.progress.isVisible()
    qtbot.waitUntil(lambda: page.job is None, timeout=120_000)
    page.iters_spin.setValue(3)
    page.images_spin.setValue(2)
    page.eps_edit.setText("8")
    page.mode_box.setCurrentIndex(page.mode_box.findData("frame"))
    qtbot.mouseClick(page.prm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=120_000)
    wait_for_reads(qtbot, page)

    with station.db.session() as s:
        runs = {r.kind: r for r in s.scalars(select(SelftestRun))}
    assert runs["backdoor"].status == runs["prm"].status == "done"
    assert runs["prm"].params["mode"] == runs["prm"].summary["mode"] == "frame"
    assert page.history.rowCount() == 2
    assert len(page.trend.series["defects passed"][1]) == 1
    # three steps do not bite: the history and the trend say so instead of showing a pass
    prm_row = next(i for i in range(2) if page.history.item(i, 2).text() == "Attack test (PRM)")
    assert page.history.item(prm_row, 3).text() == "attack ineffective"
    assert "attack ineffective: this run says nothing about the station" in page.history.item(prm_row, 4).text()
    assert page.trend.hatched == [True]

    from ui.pages.selftests import RunDialog

    opened = []
    monkeypatch.setattr(RunDialog, "exec", lambda dialog: opened.append(dialog))
    page.history.setCurrentCell(prm_row, 0)
    page.open_run()  # its results are read off the GUI thread, then the dialog opens
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    dialog = opened[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().endswith(str(runs["prm"].id))
    assert dialog.table.rowCount() == 2
    assert not dialog.attacked_view._item.pixmap().isNull()


def test_a_started_self_test_can_be_cancelled(qtbot, window, station):
    sign_in_as(window, "boss")
    page = window.page("SelftestPage")
    page.iters_spin.setValue(5000)
    page.images_spin.setValue(2)
    page.start_prm()
    qtbot.waitUntil(lambda: page.progress.bar.value() > 0, timeout=60_000)
    qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    with station.db.session() as s:
        assert s.scalar(select(SelftestRun.status)) == "cancelled"


def test_manager_tunes_activates_and_rolls_back_a_prompt_set(qtbot, window, station):
    station.config.thresholds.conf_a = 1.0  # every frame goes to a reviewer
    frames = class_frames(2)
    record_frames(station, frames)
    with station.db.transaction() as s:  # a reviewer has labelled every frame
        rita = s.scalar(select(User).where(User.username == "rita"))
        for row, frame in zip(s.scalars(select(Inspection).order_by(Inspection.id)), frames):
            if row.verdict == "REVIEW":
                review.decide(s, row.id, frame.truth, review.settings_answers(station), rita)
    sign_in_as(window, "boss")
    window.show_page("PromptsPage")
    page = window.page("PromptsPage")
    page.shots_spin.setValue(1)
    page.tokens_spin.setValue(2)
    page.epochs_spin.setValue(2)
    page.depth_spin.setValue(1)
    page.name_edit.setText("line-3")
    page.activate_check.setChecked(True)
    assert count(station, Review) == 10
    qtbot.mouseClick(page.tune_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=120_000)
    wait_for_reads(qtbot, window)
    with station.db.session() as s:
        row = s.scalar(select(PromptSet))
    assert row is not None and row.active and row.name == "line-3" and row.first_prompted_block == 1
    assert station.check_a.prompt_set_id == row.id
    assert "line-3" in page.live_label.text()

    page.rollback()
    assert station.check_a.prompt_set_id is None
    wait_for_reads(qtbot, window)
    page.table.setCurrentCell(0, 0)
    page.activate_selected()
    assert station.check_a.prompt_set_id == row.id
    actions = [a for (a,) in station.db.session().execute(select(AuditEvent.action))]
    assert actions.count("prompts.activate") >= 2


def test_idle_station_signs_the_user_out(qtbot, window, station, monkeypatch):
    asked = []
    monkeypatch.setattr(type(window), "ask_sign_in", lambda self, hint="": asked.append(hint) or False)
    sign_in_as(window, "rita")
    window.idle_timer.start(200)
    qtbot.waitUntil(lambda: window.ctx.user is None, timeout=5_000)
    assert asked and "quiet" in asked[0]
    with station.db.session() as s:
        last = s.scalar(select(AuditEvent).where(AuditEvent.action != "seal").order_by(AuditEvent.id.desc()))
    assert last.action == "sign_out" and last.detail["reason"] == "idle"


def test_after_an_idle_sign_out_the_sign_in_still_says_what_the_start_found(qtbot, window, monkeypatch):
    """What the start told the person signing in (a missing font, the demo accounts) is said again after an idle
    sign-out, beside why they were signed out."""
    shown = []
    monkeypatch.setattr(SignInDialog, "exec", lambda dialog: shown.append(dialog.message.text())
                        or QDialog.DialogCode.Rejected)
    monkeypatch.setattr(type(window), "close", lambda self: None)  # declining would close the window
    window.sign_in_hint = "Install a Japanese font"
    sign_in_as(window, "rita")
    window.sign_out("idle")
    assert "quiet spell" in shown[-1] and "Install a Japanese font" in shown[-1]


def test_the_line_runs_off_the_gui_thread_while_the_window_keeps_ticking(qtbot, window, station, monkeypatch):
    """Inference and the frames' writes run on the line's worker, never on the window's thread, and the event loop
    keeps ticking meanwhile. Which thread did the work is asserted, not how long a tick took: a loaded machine
    stretches ticks; `bench/latency.py` reports the figures."""
    import threading

    from PySide6.QtCore import QTimer

    from station.pipeline import Pipeline
    from station.storage.images import ImageStore

    worked_on: set[str] = set()
    for cls, name in ((Pipeline, "_inspect"), (ImageStore, "stage_batch")):
        done = getattr(cls, name)

        def on_thread(self, *args, _done=done, **kwargs):
            worked_on.add(threading.current_thread().name)
            return _done(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, on_thread)
    sign_in_as(window, "otto")
    live = window.page("LivePage")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(live.runner.frames if live.runner is not None else 0))
    timer.start(10)
    live.start()
    qtbot.waitUntil(lambda: live.runner is not None and live.runner.frames >= 60, timeout=60_000)
    live.stop_and_wait()
    timer.stop()
    assert worked_on and threading.main_thread().name not in worked_on, worked_on
    assert len(set(ticks)) > 10  # the window ticked between frames, many times while the line ran


def test_first_start_creates_the_manager_through_the_sign_in_dialog(qtbot, tmp_path):
    st = Station.open(tmp_path / "new")
    try:
        dialog = SignInDialog(st)
        qtbot.addWidget(dialog)
        assert dialog.first_account
        qtbot.keyClicks(dialog.name_edit, "first")
        qtbot.keyClicks(dialog.password_edit, "a long password")
        qtbot.keyClicks(dialog.repeat_edit, "another password")
        dialog.try_sign_in()
        assert dialog.result() != QDialog.DialogCode.Accepted and "differ" in dialog.message.text()
        dialog.repeat_edit.setText("a long password")
        dialog.password_edit.setText("a long password")
        dialog.try_sign_in()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.user.username == "first" and dialog.user.role == "manager"
    finally:
        st.close()


def test_a_missing_camera_is_named_and_the_station_keeps_running(qtbot, window, station, messages, tmp_path):
    sign_in_as(window, "otto")
    live = window.page("LivePage")
    live.source_box.setCurrentIndex(live.source_box.findData("folder"))
    live.target_edit.setText(str(tmp_path / "no-such-folder"))
    qtbot.mouseClick(live.start_button, Qt.MouseButton.LeftButton)
    assert not live.running and live.start_button.isEnabled()
    kind, text = messages[-1]
    assert kind == "warning" and "no-such-folder" in text and "does not exist" in text
    assert window.ctx.station.jobs.current is None  # nothing left claimed: a self-test could start now

    live.source_box.setCurrentIndex(live.source_box.findData("synthetic"))
    live.start()
    qtbot.waitUntil(lambda: live.runner is not None and live.runner.frames >= 3, timeout=30_000)
    live.stop_and_wait()
    assert count(station, Inspection) >= 3


def test_an_overdue_self_test_is_shown_to_operators_too(qtbot, window, station):
    from datetime import timedelta

    from station.storage.models import utcnow

    long_ago = utcnow() - timedelta(days=12)
    with station.db.transaction() as s:  # the last attack test that bit was 12 days ago; due every 7
        s.add(SelftestRun(kind="prm", params={}, status="done", started_at=long_ago, finished_at=long_ago,
                          summary={"by_eps": {"eps=8/255": {"attack_effective": True}}, "attack_effective": True}))
    sign_in_as(window, "otto")
    live = window.page("LivePage")
    live.refresh_schedule()
    wait_for_reads(qtbot, live)
    notice = live.schedule_notice
    assert not notice.isHidden() and notice.status == "overdue"
    assert "overdue" in notice.text().lower() and "attack test (PRM): OVERDUE" in notice.text()
    with station.db.transaction() as s:  # an attack that did not bite does not put it right
        s.add(SelftestRun(kind="prm", params={}, status="done", started_at=utcnow(), finished_at=utcnow(),
                          summary={"by_eps": {"eps=1/255": {"attack_effective": False}}, "attack_effective": False}))
    live.refresh_schedule()
    wait_for_reads(qtbot, live)
    assert notice.status == "overdue"


def test_manager_rebuilds_the_input_gate_bank_from_the_prompts_page(qtbot, window, station, monkeypatch):
    from station.gate import store

    monkeypatch.setitem(store.DEMO_SOURCES, "generated", {**store.DEMO_SOURCES["generated"], "count": 30,
                                                          "heldout_count": 30})  # the demo's 600 + 1000 take minutes
    sign_in_as(window, "boss")
    window.show_page("PromptsPage")
    page = window.page("PromptsPage")
    wait_for_reads(qtbot, window)
    assert "Input gate</b>: on: reference bank of 600 frames" in page.gate_label.text()
    qtbot.mouseClick(page.gate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=120_000)
    wait_for_reads(qtbot, window)
    with station.db.session() as s:
        assert store.active_record(s).version == 2
    assert "reference bank of 30 frames" in page.gate_label.text()
    assert count(station, AuditEvent, AuditEvent.action == "gate.bank", AuditEvent.actor == "boss") == 1


def test_after_an_idle_sign_out_frames_belong_to_no_one(qtbot, window, station, monkeypatch):
    monkeypatch.setattr(type(window), "ask_sign_in", lambda self, hint="": False)
    sign_in_as(window, "otto")
    live = window.page("LivePage")
    live.start()
    qtbot.waitUntil(lambda: live.runner is not None and live.runner.frames >= 5, timeout=60_000)
    window.idle_timer.start(50)  # nobody touches the station: signed out, the line keeps running
    qtbot.waitUntil(lambda: window.ctx.user is None, timeout=5_000)
    with station.db.session() as s:
        at_sign_out = s.scalar(select(func.max(Inspection.id)))
    in_flight = 8  # a batch being recorded at the moment of the sign-out was captured while otto was signed in
    qtbot.waitUntil(lambda: count(station, Inspection, Inspection.id > at_sign_out + in_flight) >= 5, timeout=60_000)
    live.stop_and_wait()
    with station.db.session() as s:
        otto_id = s.scalar(select(User.id).where(User.username == "otto"))
        later = list(s.scalars(select(Inspection.operator_id).where(Inspection.id > at_sign_out + in_flight)))
    assert later and all(op is None for op in later)  # never the user who was signed out
    assert count(station, Inspection, Inspection.operator_id == otto_id) >= 5


def test_the_window_runs_the_plc_links_and_shows_their_state(qtbot, window, station):
    """With [links] set, the window starts them as `station serve` does: a PLC's trigger register makes the live
    page inspect one frame, and the header shows each link's state."""
    from dataclasses import replace

    from pymodbus.client import ModbusTcpClient

    from plc import HOST, free_port

    port = free_port()
    station.config.links = replace(station.config.links, modbus_enabled=True, modbus_host=HOST, modbus_port=port,
                                   hardware_trigger=True)
    window.ctx.start_links()
    try:
        qtbot.waitUntil(lambda: "Modbus TCP: listening" in window.links_label.text(), timeout=10_000)
        assert window.links_label.isVisible()
        sign_in_as(window, "otto")
        live = window.page("LivePage")
        live.start()
        before = count(station, Inspection)
        client = ModbusTcpClient(HOST, port=port, timeout=5)
        assert client.connect()
        try:
            client.write_register(0, 1)  # the PLC: a part is in place
            qtbot.waitUntil(lambda: count(station, Inspection) == before + 1, timeout=30_000)
            qtbot.wait(300)
            assert count(station, Inspection) == before + 1  # one trigger, one frame: the camera waits for the next
            verdict = client.read_holding_registers(1, count=1).registers[0]
            assert verdict in (1, 2, 3)
        finally:
            client.close()
        live.stop_and_wait()
    finally:
        window.ctx.stop_links()


def test_a_second_stop_while_the_window_ends_does_not_kill_it():
    """A service manager signals every process of the station, and the demo's launcher passes its own stop on: the
    window's process gets SIGTERM twice. The second, arriving while the first's clean end runs, must not kill it
    half way (run in a process of its own: the signal is real)."""
    import os
    import subprocess
    import sys

    code = (
        "import os, signal, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from ui.stop_signals import StopFromOutside  # what ui.app and ui.desk_app end their windows with\n"
        "app = QApplication([])\n"
        "with StopFromOutside() as stop:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    app.processEvents()\n"
        "assert stop.asked\n"
        "os.kill(os.getpid(), signal.SIGTERM)  # the second stop, after the first's handler is gone\n"
        "print('ended cleanly', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0 and "ended cleanly" in done.stdout, (done.returncode, done.stderr[-2000:])
