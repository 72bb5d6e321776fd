"""The Modbus TCP link with a real pymodbus client on loopback: the register map after real inspections, the
trigger register making the station inspect a frame, what a PLC may not write, and a port in use."""

from __future__ import annotations

import select
import socket
import threading

import pytest
from pymodbus.client import ModbusTcpClient

from plc import GUARD_S, HOST, LinkStatuses, busy_port, free_port, idle_sockets, port_is_free, wait_until
from station.capture import Trigger, TriggeredSource
from station.synth.camera import SyntheticSource
from station.config_schema import LinksSpec
from station.events import AlarmChanged
from station.links.line_state import LineState
from station.links.modbus_server import REGISTERS, VERDICT_CODES, ModbusLink
from station.pipeline import Pipeline


@pytest.fixture(scope="module")
def station(module_station):
    return module_station


class Served:
    def __init__(self, station, port: int, with_trigger: bool = True, **links):
        self.port = port
        self.trigger = Trigger() if with_trigger else None
        self.line = LineState.of_station(station)
        self.statuses = LinkStatuses(station.events)
        spec = LinksSpec(modbus_enabled=True, modbus_host=HOST, modbus_port=port, **links)
        self.link = ModbusLink(station.events, spec, self.line, self.trigger)
        self.started = self.link.start()

    def client(self) -> ModbusTcpClient:
        client = ModbusTcpClient(HOST, port=self.port, timeout=GUARD_S)
        assert client.connect()
        return client

    def stop(self) -> None:
        self.link.stop()
        self.line.close()
        self.statuses.subscription.close()


@pytest.fixture(scope="module")
def served(station):
    s = Served(station, free_port())
    assert s.started, s.link.detail
    yield s
    s.stop()


@pytest.fixture
def plc(served):
    client = served.client()
    yield client
    client.close()


def holding(client: ModbusTcpClient, count: int = 8) -> list[int]:
    reply = client.read_holding_registers(0, count=count)
    assert not reply.isError(), reply
    return reply.registers


def reject_coil(client: ModbusTcpClient) -> bool:
    reply = client.read_coils(0, count=1)
    assert not reply.isError(), reply
    return reply.bits[0]


def test_the_map_is_documented_in_one_table():
    assert [(table, address) for table, address, _, _ in REGISTERS] == [
        ("holding", 0), ("holding", 1), ("holding", 2), ("holding", 3), ("holding", 4), ("holding", 5), ("holding", 6),
        ("holding", 7), ("holding", 8), ("holding", 9), ("holding", 10), ("coil", 0)]


def test_the_plc_reads_verdict_count_and_reject_after_real_inspections(served, plc, station):
    results = []
    Pipeline(station, source_name="modbus test").run(SyntheticSource(seed=4, defect_rate=0.5, size=128),
                                                     max_frames=4, on_result=results.append)
    registers = holding(plc)  # the line state is current once run() returns: the event came before it
    last = results[-1].verdict
    decided = (registers[2] << 16) | registers[3]
    assert registers[1] == VERDICT_CODES[last] and decided == len(results)  # this pipeline's frames
    assert reject_coil(plc) is (last != "PASS")
    assert plc.read_discrete_inputs(0, count=1).bits[0] is (last != "PASS")
    assert plc.read_input_registers(0, count=8).registers[1:] == registers[1:]
    assert registers[0] == 0 and registers[4] == 0  # no trigger pending; not in manual mode


def test_manual_mode_register_follows_the_fail_safe(served, plc, station):
    station.events.publish(AlarmChanged(True, {"by": "test"}))
    assert holding(plc)[4] == 1
    station.events.publish(AlarmChanged(False, {"by": "test"}))
    assert holding(plc)[4] == 0


def test_writing_1_to_the_trigger_register_inspects_one_frame(served, plc, station):
    source = TriggeredSource(SyntheticSource(seed=8, size=128), served.trigger)
    results = []
    run = threading.Thread(target=lambda: Pipeline(station, source_name="triggered").run(
        source, max_frames=1, on_result=results.append), daemon=True)
    run.start()
    reply = plc.write_register(0, 1)
    assert not reply.isError() and reply.registers == [1]  # the reply echoes the request, as Modbus says
    run.join(GUARD_S)
    assert not run.is_alive() and len(results) == 1
    wait_until(lambda: holding(plc)[0] == 0, "the trigger register to read 0 again")
    assert holding(plc)[1] == VERDICT_CODES[results[0].verdict]
    assert served.line.snapshot().inspection_id == results[0].inspection_id


def test_a_plc_cannot_write_the_station_s_outputs(plc):
    assert plc.write_register(1, 1).isError()  # the verdict
    assert plc.write_registers(0, [1, 1]).isError()  # a block reaching past the trigger
    assert plc.write_coil(0, False).isError()  # the reject output


def test_without_hardware_trigger_the_trigger_register_is_read_only(station):
    s = Served(station, free_port(), with_trigger=False)
    try:
        assert s.started, s.link.detail
        client = s.client()
        try:
            assert client.write_register(0, 1).isError()
            assert holding(client)[0] == 0
        finally:
            client.close()
    finally:
        s.stop()


def test_a_port_in_use_fails_the_link_with_the_setting_to_change_and_stop_frees_a_port(station):
    holder = busy_port()
    port = holder.getsockname()[1]
    try:
        s = Served(station, port)
        assert s.started is False
        state, detail = s.statuses.of("modbus")[-1]
        assert state == "failed" and f":{port}" in detail and "in use" in detail and "[links] modbus_port" in detail
        s.stop()
    finally:
        holder.close()
    s = Served(station, port)  # the port free again: it serves, and stop() gives it back
    assert s.started, s.link.detail
    s.stop()
    assert port_is_free(port)
    assert [state for state, _ in s.statuses.of("modbus")] == ["listening", "off"]


def test_a_repeated_trigger_write_never_shifts_a_verdict_onto_the_next_part(served, plc, station):
    """A PLC's retry writes the trigger twice for one part. Waiting for the answer to its own request (holding 6
    equal to holding 7 read after the write), every part still gets the verdict of a frame taken for it: without
    the numbers, the PLC read the previous part's verdict from then on."""
    frames: list = []
    source = TriggeredSource(SyntheticSource(seed=12, defect_rate=0.5, size=128), served.trigger)
    run = threading.Thread(target=lambda: Pipeline(station, source_name="retries").run(
        source, max_frames=7, on_result=frames.append), daemon=True)
    run.start()
    answers = []
    for part in range(4):
        plc.write_register(0, 1)
        if part == 1:
            plc.write_register(0, 1)  # the retry
        mine = holding(plc, 8)[7]
        regs = wait_until(lambda: (r := holding(plc, 8))[6] == mine and r, f"the answer to request {mine}")
        answers.append((mine, regs[1]))
    source.stop()
    run.join(GUARD_S)
    by_request = {r.frame.trigger: r for r in frames}
    for mine, verdict in answers:  # the verdict read is the one of the frame taken for that very request
        assert verdict == VERDICT_CODES[by_request[mine].verdict]
    first = answers[0][0]  # the module's trigger has counted earlier tests' requests
    assert [m - first for m, _ in answers] == [0, 2, 3, 4]  # the first write for part 2 got a frame too


def closed_by_the_station(sockets: list[socket.socket]) -> list[socket.socket]:
    """The sockets whose other end (the station) has closed them: readable, with nothing left to read."""
    readable, _, _ = select.select(sockets, [], [], 0)
    closed = []
    for s in readable:
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                closed.append(s)
        except ConnectionError:
            closed.append(s)
    return closed


@pytest.fixture
def served_patiently(station):
    """A link whose idle connections are let go only after a minute, so a stalled machine cannot close them while
    the test counts them."""
    s = Served(station, free_port(), idle_timeout_seconds=60.0)
    assert s.started, s.link.detail
    yield s
    s.stop()


def test_idle_connections_beyond_the_limit_are_closed_and_a_plc_still_gets_in(served_patiently):
    """pymodbus sets no limit: without one, idle sockets used up the open files and the next image write failed."""

    from station.links.modbus_server import MAX_CONNECTIONS

    served = served_patiently
    idle = [s for n in range(2, 9) for s in idle_sockets(served.port, 4, f"127.0.0.{n}")]  # 28 from 7 hosts
    beyond = len(idle) - MAX_CONNECTIONS
    try:
        # seen from the clients: those beyond the limit are closed as they are made (long before the idle timeout)
        wait_until(lambda: len(closed_by_the_station(idle)) >= beyond, "the connections beyond the limit to close")
        # and the station forgets them (a closed connection leaves pymodbus's table a moment after it is closed)
        wait_until(lambda: len(served.link.server.active_connections) == MAX_CONNECTIONS, "the station to forget them")
        assert len(closed_by_the_station(idle)) == beyond  # the ones let in stay open
    finally:
        for s in idle:
            s.close()
    wait_until(lambda: len(served.link.server.active_connections) == 0, "the idle connections to close")
    client = served.client()
    try:
        assert len(holding(client)) == 8
    finally:
        client.close()
