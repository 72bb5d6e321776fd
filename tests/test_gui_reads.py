"""The window reads records off the GUI thread: the users page, the self-test page (history, schedule, one run's
results), the prompt sets, the review count in the page list and the live page's schedule. What a person sees is the newest answer, never a stale one."""

from __future__ import annotations

import threading

from station.auth import sign_in
from station.service import accounts, prompt_sets, review_queue, selftests
from station.storage.models import SelftestRun, utcnow
from ui.app import build_window
from ui.pages.selftests import RunDialog
from ui.reads import PageRead

from conftest import PW, wait_for_reads


def watch(monkeypatch, module, names: list[str], calls: list) -> None:
    """Record, for each call of `module.<name>`, whether it ran on the GUI thread."""
    for name in names:
        real = getattr(module, name)

        def watched(*args, _real=real, _name=name, **kwargs):
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)


def test_pages_read_the_records_on_a_job_thread_and_show_them(qtbot, station, monkeypatch):
    with station.db.transaction() as s:
        s.add(SelftestRun(kind="backdoor", params={}, status="done", started_at=utcnow(), finished_at=utcnow(),
                          summary={}))
    calls: list[tuple[str, bool]] = []
    watch(monkeypatch, accounts, ["accounts", "audit_lines"], calls)
    watch(monkeypatch, selftests, ["history", "schedule", "results"], calls)
    watch(monkeypatch, prompt_sets, ["prompt_sets"], calls)
    watch(monkeypatch, review_queue, ["pending"], calls)
    opened = []
    monkeypatch.setattr(RunDialog, "exec", lambda dialog: opened.append(dialog))
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "boss", PW, via="test"))

    users = window.page("UsersPage")
    window.show_page("UsersPage")
    wait_for_reads(qtbot, window)
    assert sorted(u.username for u in users.users) == ["boss", "otto", "rita"]
    assert users.user_table.rowCount() == 3 and users.audit_table.rowCount() > 0

    page = window.page("SelftestPage")
    window.show_page("SelftestPage")
    wait_for_reads(qtbot, window)
    assert page.history.rowCount() == 1 and page.history.item(0, 2).text() == "Backdoor probe"
    page.history.setCurrentCell(0, 0)
    page.open_run()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)

    window.show_page("PromptsPage")
    wait_for_reads(qtbot, window)
    assert window.page("PromptsPage").rows == [] and "none" in window.page("PromptsPage").live_label.text()

    window.page("LivePage").refresh_schedule()
    wait_for_reads(qtbot, window)
    read = {name for name, _ in calls}
    assert read == {"accounts", "audit_lines", "history", "schedule", "results", "prompt_sets", "pending"}
    assert [c for c in calls if c[1]] == [], "read on the GUI thread"
    window.close()


def test_a_newer_question_replaces_the_answer_of_an_older_one(qtbot, station):
    """Asked three times while a read runs: the page shows only the newest answer, read once after the first."""
    shown, gate = [], threading.Event()
    owner = build_window(station)
    qtbot.addWidget(owner)
    reads = PageRead(owner, "test read", shown.append)

    def slow_first():
        gate.wait(20)
        return "first"

    reads.request(slow_first)
    reads.request(lambda: "second")
    reads.request(lambda: "third")
    assert reads.busy
    gate.set()
    qtbot.waitUntil(lambda: not reads.busy, timeout=20_000)
    assert shown == ["third"]


def test_a_signed_out_person_s_answer_is_not_shown_to_the_next(qtbot, station):
    owner = build_window(station)
    qtbot.addWidget(owner)
    owner.set_user(sign_in(station.db, "boss", PW, via="test"))
    users = owner.page("UsersPage")
    users.refresh()
    owner.set_user(None)  # signed out before the answer arrived
    wait_for_reads(qtbot, owner)
    assert users.users == [] and users.user_table.rowCount() == 0


def test_a_read_that_ends_at_once_still_ends(qtbot, station):
    """Work that is done before start_job returns still reaches its end handler (it is connected before the thread
    starts): a page never waits for ever on a read that finished first."""
    owner = build_window(station)
    qtbot.addWidget(owner)
    shown = []
    reads = PageRead(owner, "instant read", shown.append)
    for i in range(100):
        reads.request(lambda i=i: i)
        qtbot.waitUntil(lambda: not reads.busy, timeout=5_000)
    assert shown == list(range(100))
