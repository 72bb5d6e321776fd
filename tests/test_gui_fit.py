"""Every page and dialog fits a 1024x768 panel in English and Japanese: the window's smallest size, nothing cut,
clipped or off the screen, every control tall enough for a finger; and the window uses 1920x1080."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from gui_fit import LONGEST_REASON, PANEL, fake_result, fits_panel, layout_problems
from conftest import PW, wait_for_reads
from station.auth import create_user, sign_in
from station.messages import Message
from station.service import selftests
from station.service.products import ProductLine
from station.capture import Frame
from station.pipeline import Pipeline
from station.storage.models import SelftestRun, utcnow
from station.catalog import CLASS_INDEX
from station.synth.samples import draw_sample
from ui import i18n
from ui.app import build_window
from ui.pages.products import AcceptanceDialog, ClassNamesDialog
from ui.messages import words
from ui.pages.prompts import ImportModelDialog
from ui.pages.selftests import RunDialog
from ui.pages.users import AddUserDialog
from ui.signin import SignInDialog

@pytest.fixture(scope="module")
def station(module_station):
    st = module_station
    with st.db.transaction() as s:
        boss = create_user(s, "boss", "manager", PW, None, display_name="Bo Ss")
        create_user(s, "otto", "operator", PW, boss)
    st.config.thresholds.conf_a = 1.0  # parts waiting for review, with their longest reason
    frames = [Frame(draw_sample(3, i, 256, class_index=CLASS_INDEX[k]).image, i, f"t#{i}")
              for i, k in enumerate(["washer/good", "washer/scratch", "washer/crack"])]
    Pipeline(st, operator=sign_in(st.db, "otto", PW, via="test"), source_name="test").inspect(frames)
    st.config.thresholds.conf_a = 0.5
    metrics = {"correct": 0.5, "caught": 0.25, "silent_failure": 0.125, "defect_escape": 0.125,
               "check_a_attacked": 0.5, "attack_effective": True}
    with st.db.transaction() as s:
        s.add(SelftestRun(kind="prm", params={}, status="done", started_at=utcnow(), finished_at=utcnow(),
                          summary={"by_eps": {"eps=8/255": metrics}, "mode": "input", "attack_effective": True}))
    return st


@pytest.fixture(params=["en", "ja"])
def language(request, qapp):
    assert i18n.install_translators(request.param)
    yield request.param
    i18n.remove_translators()


def show_on_panel(qtbot, window, size=PANEL) -> None:
    window.show()
    window.resize(*size)
    qtbot.wait(30)
    wait_for_reads(qtbot, window)


def test_every_page_fits_the_panel(qtbot, station, language, monkeypatch):
    for kind in ("information", "warning", "question"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    show_on_panel(qtbot, window)
    problems = []
    live = window.page("LivePage")
    live.display.hold_seconds = 0
    live.start()
    qtbot.waitUntil(lambda: live.runner is not None and live.runner.frames >= 2, timeout=30_000)
    problems += [f"LivePage running: {p}" for p in layout_problems(window)]
    held = [fake_result("REVIEW", 100 + i, LONGEST_REASON) for i in range(7)]  # the longest words it shows
    live.display.result(held[-1], held)
    live.render()
    problems += [f"LivePage holding: {p}" for p in layout_problems(window)]
    window.ctx.pipeline.manual_mode = True  # the fail-safe's banner above it all
    live.refresh_alarm()
    problems += [f"LivePage in manual mode: {p}" for p in fits_panel(window) + layout_problems(window)]
    live.stop_and_wait()
    for name in window.pages:
        window.show_page(name)
        page = window.page(name)
        wait_for_reads(qtbot, page)  # filled in, as a person sees it
        if name == "ReviewPage":
            qtbot.waitUntil(lambda: page.shown is not None, timeout=20_000)
        progress = getattr(page, "progress", None)
        if progress is not None:  # long work running, with the longest progress lines the station sends
            progress.begin("...")
            progress.update_progress(3, 8, words(Message(
                "probe.progress", variant="badnet-0.16-centre (without prompts)", trigger="badnet-0.16-centre",
                setting="without prompts", passed=0.125, passed_over=0.125, asr_over=0.5, to_class="washer/dent")))
        for tabs in [getattr(page, "tabs", None), getattr(page, "tests", None)]:
            for i in range(tabs.count() if tabs is not None else 0):
                tabs.setCurrentIndex(i)
                problems += [f"{name} tab {i}: {p}" for p in fits_panel(window) + layout_problems(window)]
        problems += [f"{name}: {p}" for p in fits_panel(window) + layout_problems(window)]
        if progress is not None:
            progress.end()
    assert not problems, "\n".join(problems)
    window.close()


def test_the_operator_window_is_sized_by_the_live_page_alone(qtbot, station, language):
    from station.events import ForwardingStatus, LinkStatus

    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "otto", PW, via="test"))
    for event in (LinkStatus("opcua", "connected"), LinkStatus("modbus", "listening"),  # the fullest header
                  ForwardingStatus("line-3-camera-1", 1234, 12345, paused="forwarding to the plant paused: ...")):
        station.events.publish(event)
    qtbot.waitUntil(lambda: not window.plant_label.isHidden() and not window.links_label.isHidden(), timeout=5_000)
    show_on_panel(qtbot, window)
    assert window.stack.currentWidget() is window.page("LivePage")
    assert not window.nav.isVisible()  # one page: no page list taking the room
    assert fits_panel(window) == [] and layout_problems(window) == []
    window.ctx.pipeline.manual_mode = True  # and with the fail-safe's banner
    window.page("LivePage").refresh_alarm()
    qtbot.wait(30)
    assert fits_panel(window) == [] and layout_problems(window) == []
    window.close()


def test_every_dialog_fits_the_panel(qtbot, station, language):
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    page = window.page("SelftestPage")
    page.refresh_history()
    wait_for_reads(qtbot, page)
    run = page.runs[0]
    report = {"escapes": 1, "defects": 18, "escape_rate_upper_95": 0.153, "false_fails": 0, "goods": 20,
              "false_fail_rate": 0.0, "reviews": 13, "photos": 38, "review_share": 0.342,
              "not_measured": ["18 defect photos held out: too few for an escape bound under 10% (29 with no escape "
                               "make one)", "chipped: 6 photos, too few to learn; all held out"]}
    line = ProductLine(1, "a-product-with-a-long-name", 12, datetime.now(), False, None, False, [], report, "/nowhere")
    dialogs = [SignInDialog(station, "", window), AddUserDialog(window), ImportModelDialog(window),
               RunDialog(window.ctx, run, selftests.results(station.db, run.id), window), AcceptanceDialog(line, window),
               AcceptanceDialog(line, window, Message("product.manual_mode_expected", share=0.947, limit=0.6, frames=20)),
               ClassNamesDialog(["good", "scratch", "missing_mounting_hole", "crack"], {"scratch": ("s", "傷")}, window)]
    problems = []
    for dialog in dialogs:  # children of the window: deleted with it, so not given to qtbot as well
        dialog.show()
        qtbot.wait(20)
        name = type(dialog).__name__
        size = dialog.size()
        if size.width() > PANEL[0] or size.height() > PANEL[1]:
            problems.append(f"{name} opens at {size.width()}x{size.height()}")
        problems += [f"{name}: {p}" for p in fits_panel(dialog) + layout_problems(dialog)]
        dialog.close()
    assert not problems, "\n".join(problems)


def test_the_live_page_uses_a_large_screen(qtbot, station, language):
    """At 1920x1080 the verdict grows with the room it has."""
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "otto", PW, via="test"))
    live = window.page("LivePage")
    show_on_panel(qtbot, window)
    small = live.banner.word_font().pixelSize()
    show_on_panel(qtbot, window, (1920, 1080))
    large = live.banner.word_font().pixelSize()
    assert large > 1.5 * small
    assert live.banner.width() > 0.4 * window.width()
    assert layout_problems(window) == []
    window.close()
