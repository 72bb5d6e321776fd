"""The review queue is counted up to a limit and no further (its cost stays flat however long the queue grows):
past the limit the service, the command line and the window say "more than 1,000", never a made-up exact number."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from station import config, review
from station.auth import sign_in
from station.cli import main
from station.records import open_records
from station.service import review_queue
from station.service.records import open_station_records
from station.service.review_queue import COUNT_LIMIT, QueueLength
from station.storage.db import sqlite_url
from station.storage.models import Inspection
from ui.app import build_window

from conftest import PW, wait_for_reads


def add_waiting(db, count: int) -> None:
    """`count` frames waiting for review, in one bulk insert (no images: the count needs none)."""
    rows = [dict(source="test", origin="", image_path=f"test/{i}.png", image_sha256="0" * 64, width=64, height=64,
                 verdict="REVIEW", reason="disagreement", label_a="washer/good", conf_a=0.5, label_b="washer/scratch",
                 conf_b=0.5, latency_ms=1.0) for i in range(count)]
    with db.transaction() as s:
        s.execute(insert(Inspection), rows)


@pytest.fixture
def data(tmp_path):
    """A station's data folder (settings and database, no accounts) with exactly COUNT_LIMIT frames waiting."""
    folder = tmp_path / "data"
    folder.mkdir()
    config.save(config.default_config("washer"), folder)
    db = open_records(sqlite_url(folder))
    add_waiting(db, COUNT_LIMIT)
    yield folder, db
    db.close()


def test_the_count_stops_past_its_limit_and_says_so(data):
    folder, db = data
    with db.session() as s:
        assert review.pending_count(s) == COUNT_LIMIT  # at the limit: exact
        assert review.pending_count(s, limit=10) == 11  # counting stops at limit + 1
    records = open_station_records(folder)
    assert review_queue.pending(records) == QueueLength(COUNT_LIMIT, more=False)

    add_waiting(db, 5)
    with db.session() as s:
        assert review.pending_count(s) == COUNT_LIMIT + 1
    assert review_queue.pending(records) == QueueLength(COUNT_LIMIT, more=True)
    rows, waiting = review_queue.waiting(records, limit=3)
    assert len(rows) == 3 and waiting == QueueLength(COUNT_LIMIT, more=True)
    assert waiting.less_one() == waiting  # a decision leaves "more than 1,000": not an exact 999 or 1,000
    assert QueueLength(7).less_one() == QueueLength(6) and QueueLength(0).less_one() == QueueLength(0)
    records.close()


def test_the_command_line_says_more_than_the_limit(data, capsys):
    folder, db = data
    assert main(["--data-dir", str(folder), "review", "list", "--json", "--limit", "2"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["pending"], shown["pending_more"], len(shown["items"])) == (COUNT_LIMIT, False, 2)

    add_waiting(db, 5)
    assert main(["--data-dir", str(folder), "review", "list", "--json", "--limit", "2"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["pending"], shown["pending_more"]) == (COUNT_LIMIT, True)  # a lower bound, and said to be one
    assert main(["--data-dir", str(folder), "review", "list", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert f"more than {COUNT_LIMIT:,} waiting for review" in out and str(COUNT_LIMIT + 5) not in out


def test_the_window_says_more_than_the_limit_and_a_decision_keeps_it_so(qtbot, station):
    add_waiting(station.db, COUNT_LIMIT + 5)
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "rita", PW, via="test"))
    window.show_page("ReviewPage")
    window.activateWindow()
    page = window.page("ReviewPage")
    qtbot.waitUntil(lambda: page.shown is not None, timeout=20_000)
    wait_for_reads(qtbot, window)
    nav = [window.nav.item(i).text() for i in range(window.nav.count()) if not window.nav.item(i).isHidden()]
    assert "Review queue (1,000+)" in nav
    assert page.count_label.text() == "More than 1,000 parts waiting"

    first = page.shown.id
    qtbot.keyClick(page.table, Qt.Key.Key_1)  # decided: one fewer waits, still more than 1,000 (1,004)
    assert page.shown is not None and page.shown.id != first
    assert page.count_label.text() == "More than 1,000 parts waiting - 1 decided now"
    assert "1000" not in page.count_label.text() and "999" not in page.count_label.text()
    assert "Review queue (1,000+)" in [window.nav.item(i).text() for i in range(window.nav.count())]
    window.close()


def test_a_page_walks_the_queue_not_the_decided_history(tmp_path):
    """A page starts from review_waiting: after a year of decided frames it reads 50 rows, not every decided one
    (the verdict index holds those too: walking it took 50 ms a page at 100,000 decided, bench/review_queue.py)."""
    db = open_records(sqlite_url(tmp_path))
    with db.session() as s:
        sql = str(review._pending(0).limit(50).compile(compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    db.close()
    assert plan[0].startswith("SEARCH review_waiting"), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan  # already in order: no sort of the whole queue
