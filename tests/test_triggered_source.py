"""Hardware-trigger mode: one frame per trigger request, counted, from any thread; stop() ends a waiting read."""

import threading

from station.capture import Trigger, TriggeredSource

from station.synth.camera import SyntheticSource

GUARD_S = 30  # failure guard only: every wait below ends as soon as the thing it waits for happens


def _source(trigger: Trigger) -> TriggeredSource:
    return TriggeredSource(SyntheticSource(seed=1, size=64), trigger)


def _read_in_thread(source: TriggeredSource) -> tuple[threading.Thread, list]:
    got = []
    thread = threading.Thread(target=lambda: got.append(source.read()), daemon=True)
    thread.start()
    return thread, got


def test_each_fire_is_one_frame_and_two_fires_give_two():
    trigger = Trigger()
    source = _source(trigger)
    trigger.fire()
    trigger.fire()  # pressed twice before the station reads: two frames, not one
    assert trigger.pending == 2
    first, second = source.read(), source.read()
    assert (first.index, second.index) == (0, 1)
    assert trigger.pending == 0 and trigger.fired == 2


def test_read_waits_for_a_trigger_fired_from_another_thread():
    trigger = Trigger()
    source = _source(trigger)
    thread, got = _read_in_thread(source)
    thread.join(0.2)
    assert thread.is_alive() and not got  # nothing fired: still waiting
    threading.Thread(target=trigger.fire).start()
    thread.join(GUARD_S)
    assert not thread.is_alive() and got[0] is not None and got[0].index == 0


def test_stop_ends_a_waiting_read_with_none():
    source = _source(Trigger())
    thread, got = _read_in_thread(source)
    thread.join(0.1)
    source.stop()
    thread.join(GUARD_S)
    assert not thread.is_alive() and got == [None]
    assert source.read() is None  # stopped for good


def test_a_request_fired_after_stop_gives_no_frame():
    trigger = Trigger()
    source = _source(trigger)
    source.stop()
    trigger.fire()
    assert source.read() is None


def test_description_says_it_waits_for_triggers():
    assert "per trigger" in _source(Trigger()).description


def test_requests_are_numbered_frames_carry_them_and_a_flood_is_refused():
    from station.capture.triggered import MAX_PENDING

    trigger = Trigger()
    source = _source(trigger)
    numbers = [trigger.fire() for _ in range(MAX_PENDING + 3)]
    assert numbers == list(range(1, MAX_PENDING + 1)) + [None] * 3  # at most MAX_PENDING wait
    assert trigger.refused == 3 and trigger.received == MAX_PENDING
    assert [source.read().trigger for _ in range(2)] == [1, 2]


def test_a_new_run_drops_requests_left_from_before_it():
    trigger = Trigger()
    trigger.fire()
    trigger.fire()  # while nothing was inspecting
    source = _source(trigger)  # the next start of inspection
    assert trigger.pending == 0
    assert trigger.fire() == 3 and source.read().trigger == 3
