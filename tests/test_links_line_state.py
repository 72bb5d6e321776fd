"""The line state a PLC reads: built from the event stream alone, thread-safe, with the self-test flags from the
schedule; and start_links starting what [links] enables."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from plc import HOST, LinkStatuses, free_port, port_is_free, wait_until
from station.config_schema import LinksSpec, ScheduleSpec
from station.events import AlarmChanged, DecisionMade, EventStream
from station.links import start_links
from station.links.line_state import LineSnapshot, LineState
from station.links.selftest_watch import SelftestWatch, read_selftests


def decision(inspection_id: int, verdict: str, counts: dict[str, int], manual: bool = False) -> DecisionMade:
    return DecisionMade(inspection_id, verdict, "" if verdict != "REVIEW" else "disagreement", "washer/good", 0.9,
                        "washer/good" if verdict == "PASS" else "washer/crack", 0.8, manual, "test", counts)


def test_the_state_follows_decisions_and_alarms():
    events = EventStream()
    line = LineState()
    line.follow(events)
    assert line.snapshot() == LineSnapshot() and line.snapshot().reject  # no verdict yet: fail safe
    events.publish(decision(7, "PASS", {"PASS": 1}))
    s = line.snapshot()
    assert (s.verdict, s.inspection_id, s.decided, s.reject, s.label_b) == ("PASS", 7, 1, False, "washer/good")
    events.publish(decision(8, "REVIEW", {"PASS": 1, "REVIEW": 1}))
    s = line.snapshot()
    assert (s.verdict, s.reason, s.decided, s.count("REVIEW"), s.reject) == ("REVIEW", "disagreement", 2, 1, True)
    events.publish(AlarmChanged(True, {}))
    assert line.snapshot().manual_mode
    events.publish(AlarmChanged(False, {}))
    assert not line.snapshot().manual_mode
    line.close()
    events.publish(decision(9, "FAIL", {"FAIL": 1}))
    assert line.snapshot().inspection_id == 8  # closed: no longer following


def test_listeners_hear_each_change_once_and_a_snapshot_never_changes_under_a_reader():
    events = EventStream()
    line = LineState()
    line.follow(events)
    heard = []
    line.add_listener(heard.append)
    first = line.snapshot()
    events.publish(decision(1, "FAIL", {"FAIL": 1}))
    events.publish(AlarmChanged(False, {}))  # no change: nobody is told
    assert [s.inspection_id for s in heard] == [1] and first.inspection_id == 0
    line.remove_listener(heard.append)
    events.publish(decision(2, "PASS", {"FAIL": 1, "PASS": 1}))
    assert len(heard) == 1


def test_publishing_from_many_threads_leaves_a_whole_state():
    events = EventStream()
    line = LineState()
    line.follow(events)

    def publish(start: int) -> None:
        for i in range(start, start + 200):
            events.publish(decision(i, "PASS", {"PASS": i}))

    threads = [threading.Thread(target=publish, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = line.snapshot()
    assert s.decided == s.inspection_id  # the fields of one event, never a mix of two


@pytest.fixture(scope="module")
def station(module_station):
    return module_station


def test_selftest_flags_come_from_the_schedule(station):
    saved = station.config.schedule
    try:
        station.config.schedule = ScheduleSpec(prm_every_days=0, backdoor_every_days=0)
        assert read_selftests(station) == ([], False)
        station.config.schedule = ScheduleSpec(prm_every_days=0, backdoor_every_days=0.00001)  # a second after start
        due = wait_until(lambda: read_selftests(station)[0], "the backdoor probe to come due")
        assert due == ["backdoor"]
        line = LineState()
        watch = SelftestWatch(station, line, every_s=3600)
        watch.start()  # reads at once, then every hour (not per frame)
        watch.stop()
        assert line.snapshot().selftests_due == ("backdoor",) and line.snapshot().selftests_overdue is False
    finally:
        station.config.schedule = saved


def test_start_links_starts_what_the_settings_enable_and_stop_frees_the_ports(station):
    saved = station.config.links
    port = free_port()
    statuses = LinkStatuses(station.events)
    try:
        station.config.links = replace(LinksSpec(), modbus_enabled=True, modbus_host=HOST, modbus_port=port)
        running = start_links(station)
        assert [link.name for link in running.links] == ["modbus"] and running.links[0].state == "listening"
        assert not port_is_free(port)
        running.stop()
        assert port_is_free(port)
        assert [s for s, _ in statuses.of("modbus")] == ["listening", "off"] and statuses.of("opcua") == []
        station.config.links = LinksSpec()
        nothing = start_links(station)  # nothing enabled: nothing listens, and stopping is harmless
        assert nothing.links == []
        nothing.stop()
    finally:
        station.config.links = saved
        statuses.subscription.close()
