"""A flood of idle sockets cannot lock a PLC out of either link: a real client is still served while 100 idle
sockets are open, from one address (a per-address limit) or from many (the allow-list); a connection that never
sends a request or never signs in is closed after the idle timeout. Real servers and clients on loopback (the
whole of 127.0.0.0/8 reaches this machine, so each address below is a different client)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from asyncua import Client
from pymodbus.client import ModbusTcpClient

from plc import GUARD_S, HOST, free_port, idle_sockets, wait_until
from station.config_schema import LinksSpec
from station.links.guard import ConnectionGuard, parse_networks
from station.links.line_state import LineState
from station.links.modbus_server import ModbusLink
from station.links.opcua_server import OpcUaLink

STRANGER = "127.0.0.2"


@pytest.fixture(scope="module")
def station(module_station):
    return module_station


def closed_by_peer(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def modbus_served(port: int) -> bool:
    """A PLC at HOST connects and reads the station's registers."""
    client = ModbusTcpClient(HOST, port=port, timeout=GUARD_S)
    try:
        if not client.connect():
            return False
        reply = client.read_holding_registers(0, count=8)
        return not reply.isError() and len(reply.registers) == 8
    finally:
        client.close()


def opcua_served(url: str) -> bool:
    async def read() -> bool:
        async with Client(url, timeout=GUARD_S) as c:
            return (await c.nodes.server_state.read_value()) is not None
    return asyncio.run(read())


def start(link):
    assert link.start(), link.detail
    return link


@pytest.mark.parametrize("kind", ["modbus", "opcua"])
def test_a_plc_is_served_while_a_stranger_holds_100_idle_sockets(station, kind):
    port = free_port()
    spec = (LinksSpec(modbus_enabled=True, modbus_host=HOST, modbus_port=port, idle_timeout_seconds=60)
            if kind == "modbus" else
            LinksSpec(opcua_enabled=True, opcua_endpoint=f"opc.tcp://{HOST}:{port}/station/", opcua_anonymous=True,
                      idle_timeout_seconds=60))
    line = LineState.of_station(station)
    link = start(ModbusLink(station.events, spec, line) if kind == "modbus" else OpcUaLink(station.events, spec, line))
    try:
        idle = idle_sockets(port, 100, STRANGER)
        try:
            wait_until(lambda: sum(closed_by_peer(s) for s in idle) >= 100 - spec.connections_per_client,
                       "the sockets beyond the stranger's share to be closed")
            if kind == "modbus":
                assert modbus_served(port)
            else:
                assert opcua_served(spec.opcua_endpoint)
        finally:
            for s in idle:
                s.close()
    finally:
        link.stop()
        line.close()


def test_the_allow_list_keeps_every_other_address_out_and_silence_is_let_go(station):
    port = free_port()
    spec = LinksSpec(modbus_enabled=True, modbus_host=HOST, modbus_port=port, allowed_clients=HOST,
                     idle_timeout_seconds=2)
    line = LineState.of_station(station)
    link = start(ModbusLink(station.events, spec, line))
    try:
        strangers = [s for n in range(2, 27) for s in idle_sockets(port, 4, f"127.0.0.{n}")]  # 100 from 25 hosts
        try:
            wait_until(lambda: all(closed_by_peer(s) for s in strangers), "every stranger to be turned away")
            silent = idle_sockets(port, 1, HOST)[0]  # allowed, but it never asks for anything
            wait_until(lambda: closed_by_peer(silent), "the silent connection to be closed after the idle timeout")
            assert modbus_served(port)
        finally:
            for s in strangers:
                s.close()
    finally:
        link.stop()
        line.close()


def test_the_guard_counts_per_address_and_in_all():
    guard = ConnectionGuard("t", total=5, per_client=2, allowed=parse_networks("10.0.0.0/24, 192.168.1.7"), idle_s=5)
    assert not guard.admit(("172.16.0.1", 1))  # not allowed
    assert [guard.admit(("10.0.0.1", p)) for p in range(3)] == [True, True, False]  # two per address
    assert guard.admit(("::ffff:192.168.1.7", 1, 0, 0))  # an IPv4 client on an IPv6 socket
    guard.release(("10.0.0.1", 0))
    assert guard.admit(("10.0.0.1", 9))
    assert guard.admit(("10.0.0.2", 1)) and guard.admit(("10.0.0.3", 1)) and not guard.admit(("10.0.0.4", 1))  # 5 in all
    with pytest.raises(ValueError):
        parse_networks("10.0.0.x")


def test_wrong_opcua_passwords_are_audited_and_slow_the_guesser(station, tmp_path):
    """20 wrong passwords in a row used to leave nothing: each failure is audited with the client's address, and
    after three the address waits before its next try is even read (the right password too, meanwhile)."""
    from asyncua.ua.uaerrors import UaStatusCodeError
    from sqlalchemy import select

    from station.sign_in_throttle import FREE_FAILURES
    from station.storage.models import AuditEvent

    password_file = tmp_path / "plc.pw"
    password_file.write_text("plc-secret\n")
    password_file.chmod(0o600)
    port = free_port()
    url = f"opc.tcp://{HOST}:{port}/station/"
    spec = LinksSpec(opcua_enabled=True, opcua_endpoint=url, opcua_user="plc", opcua_password_file=str(password_file))
    line = LineState.of_station(station)
    link = start(OpcUaLink(station.events, spec, line))
    now = [1000.0]
    link.server.iserver.backoff.clock = lambda: now[0]  # the link's own clock, held still: no test of timing

    async def sign_in(password: str) -> None:
        client = Client(url, timeout=GUARD_S)
        client.set_user("plc")
        client.set_password(password)
        async with client:
            await client.nodes.server_state.read_value()

    try:
        for _ in range(FREE_FAILURES + 3):
            with pytest.raises((UaStatusCodeError, ConnectionError, OSError)):
                asyncio.run(sign_in("guess"))
        with pytest.raises((UaStatusCodeError, ConnectionError, OSError)):
            asyncio.run(sign_in("plc-secret"))  # held back: not even read
        now[0] += 2 ** 3  # the wait has passed
        asyncio.run(sign_in("plc-secret"))
    finally:
        link.stop()
        line.close()
    with station.db.session() as s:
        failed = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "link.sign_in_failed"))]
    assert [d["in_a_row"] for d in failed] == list(range(1, FREE_FAILURES + 1))  # then held back, unread
    assert all(d["source"] == HOST and d["link"] == "opcua" for d in failed)
