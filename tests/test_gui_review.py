"""The review queue decides the part a person sees: every key lands on the part whose picture and number are on
screen at that moment, whatever the order of keys, skips, refreshes, page loads and decisions made elsewhere."""

from __future__ import annotations

import random
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from sqlalchemy import select

from station.auth import create_user, sign_in
from station.capture import Frame
from station.pipeline import Pipeline
from station.service import review_queue
from station.storage.models import Inspection, Review, User
from station.catalog import CLASS_INDEX
from station.synth.samples import draw_sample
from ui.app import build_window
from ui.pages import review as review_page

from conftest import copy_data, PW, wait_for_reads
KEYS = {Qt.Key.Key_1: "washer/good", Qt.Key.Key_2: "washer/scratch", Qt.Key.Key_3: "washer/crack",
        Qt.Key.Key_4: "washer/stain", Qt.Key.Key_5: "washer/dent", Qt.Key.Key_X: "no-part"}
SHOWN = re.compile(r"Part no\. (\d+)")


@pytest.fixture
def station(station):
    st = station
    st.config.thresholds.conf_a = 1.0  # nothing is sure enough: every part waits for a person
    keys = list(CLASS_INDEX)[:5]
    frames = [Frame(draw_sample(21, i, 256, class_index=CLASS_INDEX[keys[i % 5]]).image, i, f"t#{i}")
              for i in range(40)]
    Pipeline(st, operator=sign_in(st.db, "otto", PW, via="test"), source_name="test").inspect(frames)
    st.config.thresholds.conf_a = 0.5
    return st


def on_screen(page) -> int | None:
    """The part a person sees: the number in the text, checked against the picture and the highlighted row."""
    found = SHOWN.search(page.opinions_label.text())
    if found is None:
        return None
    shown = int(found.group(1))
    row = page.table.currentRow()
    assert row >= 0 and page.table.item(row, 1).text() == str(shown), "the highlighted row is another part"
    with page.ctx.station.db.session() as s:
        image = page.ctx.station.images.path_of(s.get(Inspection, shown).image_path)
    picture = page.view._item.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert picture == QImage(str(image)).convertToFormat(QImage.Format.Format_RGB32), "the picture is another part"
    return shown


def decisions_by(station, username: str) -> dict[int, str]:
    with station.db.session() as s:
        who = s.scalar(select(User.id).where(User.username == username))
        return {r.inspection_id: r.label for r in s.scalars(select(Review).where(Review.reviewer_id == who))}


@pytest.mark.parametrize("seed", [1])
def test_every_key_decides_the_part_on_screen(qtbot, station, monkeypatch, seed):
    monkeypatch.setattr(review_page, "PAGE_SIZE", 7)  # several page loads within the run
    monkeypatch.setattr(review_page.QMessageBox, "information", lambda *a, **k: None)
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "rita", PW, via="test"))
    boss = sign_in(station.db, "boss", PW, via="test")
    window.show_page("ReviewPage")
    window.activateWindow()
    page = window.page("ReviewPage")
    qtbot.waitUntil(lambda: on_screen(page) is not None, timeout=20_000)

    rng = random.Random(seed)
    expected: dict[int, str] = {}
    elsewhere: set[int] = set()
    presses = 0
    while len(expected) < 20:
        presses += 1
        assert presses < 400, "the queue stopped offering parts"
        action = rng.random()
        if action < 0.08:
            qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
        elif action < 0.14:  # another reviewer decides a waiting part, sometimes the one on screen here
            waiting = [r.id for r in review_queue.queue_page(station, limit=12)[0]]
            target = rng.choice(waiting)
            review_queue.decide(station, boss, target, "washer/good")
            elsewhere.add(target)
        elif action < 0.32:
            shown = on_screen(page)
            qtbot.keyClick(page.table, rng.choice([Qt.Key.Key_S, Qt.Key.Key_Down, Qt.Key.Key_Up]))
        else:
            shown = on_screen(page)
            key = rng.choice(list(KEYS))
            qtbot.keyClick(page.table, key)
            if shown is not None and shown not in elsewhere and shown not in expected:
                expected[shown] = KEYS[key]
        if rng.random() < 0.5:  # sometimes the next key comes before a page has loaded
            qtbot.wait(rng.choice([0, 5, 50]))
        if on_screen(page) is None:
            qtbot.waitUntil(lambda: page.loading is None, timeout=20_000)
            qtbot.wait(20)
    assert decisions_by(station, "rita") == expected
    assert len(decisions_by(station, "boss")) == len(elsewhere)
    window.close()


def test_lists_keep_the_highlighted_record_when_records_arrive_above_it(qtbot, station):
    """Self-test runs (newest first), prompt sets and users: a refresh that adds a record above the highlighted
    one leaves the highlight, and what the buttons act on, on the same record."""
    from station.storage.models import SelftestRun, utcnow

    def add_run():
        with station.db.transaction() as s:
            s.add(SelftestRun(kind="backdoor", params={}, status="done", started_at=utcnow(), finished_at=utcnow(),
                              summary={}))

    add_run()
    add_run()
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    page = window.page("SelftestPage")
    page.refresh_history()
    wait_for_reads(qtbot, page)
    page.history.setCurrentCell(1, 0)
    chosen = page.selected_run().id
    add_run()  # a run finished meanwhile: it is listed first
    page.refresh_history()
    wait_for_reads(qtbot, page)
    assert page.selected_run().id == chosen
    assert page.history.item(page.history.currentRow(), 0).text() == str(chosen)

    users = window.page("UsersPage")
    users.refresh()
    wait_for_reads(qtbot, users)
    users.user_table.select("rita")
    with station.db.transaction() as s:
        create_user(s, "aaron", "operator", PW, s.scalar(select(User).where(User.username == "boss")))
    users.refresh()
    wait_for_reads(qtbot, users)
    assert users.selected_user().username == "rita"
    assert users.user_table.item(users.user_table.currentRow(), 0).text() == "rita"
    window.close()


def test_after_a_changeover_the_buttons_on_screen_are_the_classes_of_the_part_shown(qtbot, onboarded, tmp_path,
                                                                                     monkeypatch):
    """A frame the product "nut" judged, shown after the station went back to the washer classes: its buttons
    are the nut's (a kind too rare to learn included), the key a person reads on the button records that class for
    that frame, and the next frame, a washer, brings the washer's buttons back."""
    import time
    from dataclasses import replace

    from station.capture.folder import FolderSource
    from station.runtime import Station
    from station.service.products import accept_product, use_no_product, use_product
    from station.storage.models import Alarm

    root, photos, boss, otto, _ = onboarded
    copy_data(root / "data", tmp_path / "data")
    station = Station.open(tmp_path / "data")
    try:
        accept_product(station, boss, "nut")
        with station.db.transaction() as s:
            s.add(Alarm(kind="failsafe", detail={"review_share": 0.9}))  # manual mode: every frame waits
        pipeline = Pipeline(station, otto, "folder")
        use_product(station, boss, "nut")
        [nut] = [r.inspection_id for r in pipeline.inspect([replace(FolderSource(photos / "chipped").read(),
                                                                     timestamp=time.time() + 1)])]
        use_no_product(station, boss)
        [washer] = [r.inspection_id for r in pipeline.inspect([replace(FolderSource(photos / "good").read(),
                                                                       timestamp=time.time() + 2)])]
        window = build_window(station)
        qtbot.addWidget(window)
        window.show()
        window.set_user(sign_in(station.db, "boss", PW, via="test"))
        window.show_page("ReviewPage")
        page = window.page("ReviewPage")
        qtbot.waitUntil(lambda: on_screen(page) == nut, timeout=20_000)

        def buttons() -> dict[str, str]:
            """{class name as the button says it: the key printed on it}"""
            return {b.text().split("  ", 1)[1]: b.text().split("  ", 1)[0] for b in page.class_buttons[:-1]}

        assert set(buttons()) == {"good", "scratch", "crack", "chipped"}
        qtbot.keyClick(page.table, getattr(Qt.Key, f"Key_{buttons()['chipped']}"))
        qtbot.waitUntil(lambda: on_screen(page) == washer, timeout=20_000)
        assert set(buttons()) == {"good washer", "scratched washer", "cracked washer", "stained washer",
                                  "dented washer"}
        qtbot.keyClick(page.table, getattr(Qt.Key, f"Key_{buttons()['good washer']}"))
        qtbot.waitUntil(lambda: len(decisions_by(station, "boss")) == 2, timeout=20_000)
        assert decisions_by(station, "boss") == {nut: "chipped", washer: "washer/good"}
        window.close()
    finally:
        station.close()
