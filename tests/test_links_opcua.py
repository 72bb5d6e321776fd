"""The OPC UA link with a real asyncua client on loopback: who may connect, what it reads after real inspections,
and a PLC's Trigger write making the station inspect a frame."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

import pytest
from asyncua import Client, ua
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from asyncua.ua.uaerrors import (BadCertificateUntrusted, BadIdentityTokenRejected, BadNotWritable,
                                 BadSecurityModeRejected, BadUserAccessDenied, UaStatusCodeError)

from plc import idle_sockets, GUARD_S, HOST, LinkStatuses, busy_port, free_port, port_is_free, wait_until
from station.capture import Trigger, TriggeredSource
from station.synth.camera import SyntheticSource
from station.config_schema import LinksSpec
from station.events import AlarmChanged
from station.links.line_state import LineState
from station.links.opcua_server import NAMESPACE_URI, NODES, OpcUaLink
from station.pipeline import Pipeline

USER, PASSWORD = "plc", "line 3 secret"


@pytest.fixture(scope="module")
def station(module_station):
    return module_station


@pytest.fixture(scope="module")
def password_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "opcua.password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


def _spec(port: int, **changes) -> LinksSpec:
    return LinksSpec(**{"opcua_enabled": True, "opcua_endpoint": f"opc.tcp://{HOST}:{port}/station/", **changes})


class Served:
    """One OPC UA link on a free port, on the module's station, with its trigger and line state."""

    def __init__(self, station, spec: LinksSpec, with_trigger: bool = True):
        self.station, self.spec = station, spec
        self.trigger = Trigger() if with_trigger else None
        self.line = LineState.of_station(station)
        self.statuses = LinkStatuses(station.events)
        self.link = OpcUaLink(station.events, spec, self.line, self.trigger)
        self.started = self.link.start()

    @property
    def url(self) -> str:
        return self.spec.opcua_endpoint

    def stop(self) -> None:
        self.link.stop()
        self.line.close()
        self.statuses.subscription.close()


@pytest.fixture(scope="module")
def served_link(station, password_file):
    s = Served(station, _spec(free_port(), opcua_user=USER, opcua_password_file=str(password_file)))
    assert s.started, s.link.detail
    yield s
    s.stop()


@pytest.fixture
def served(served_link):
    """The module's link with no wrong sign-ins counted against this machine: the tests that try wrong passwords
    would otherwise make the next tests wait out the back-off (tested on its own in test_links_crowding)."""
    served_link.link.server.iserver.backoff.failures.clear()
    yield served_link
    served_link.link.server.iserver.backoff.failures.clear()


async def _read(url: str, names: list[str], user: str | None = None, password: str | None = None) -> dict:
    client = Client(url, timeout=GUARD_S)
    if user is not None:
        client.set_user(user)
        client.set_password(password)
    async with client:
        idx = await client.get_namespace_index(NAMESPACE_URI)
        return {n: await client.get_node(f"ns={idx};s=Station.{n}").read_value() for n in names}


def read(url: str, names: list[str], user: str | None = USER, password: str | None = PASSWORD) -> dict:
    return asyncio.run(_read(url, names, user, password))


async def _write_trigger(url: str) -> bool:
    client = Client(url, timeout=GUARD_S)
    client.set_user(USER)
    client.set_password(PASSWORD)
    async with client:
        idx = await client.get_namespace_index(NAMESPACE_URI)
        node = client.get_node(f"ns={idx};s=Station.Trigger")
        await node.write_value(ua.DataValue(ua.Variant(True, ua.VariantType.Boolean)))
        return await node.read_value()


def _refused(url: str, user: str | None, password: str | None) -> Exception:
    with pytest.raises((UaStatusCodeError, ConnectionError, OSError, asyncio.TimeoutError)) as err:
        read(url, ["LastVerdict"], user, password)
    return err.value


def test_anonymous_clients_are_refused_unless_configured(served):
    assert isinstance(_refused(served.url, None, None), BadIdentityTokenRejected)  # the server's answer


def test_a_wrong_password_or_user_is_refused(served):
    assert isinstance(_refused(served.url, USER, "not the password"), BadUserAccessDenied)
    assert isinstance(_refused(served.url, "admin", PASSWORD), BadUserAccessDenied)


def test_the_plc_reads_the_last_verdict_after_real_inspections(served, station):
    results = []
    Pipeline(station, source_name="opcua test").run(SyntheticSource(seed=5, defect_rate=0.5, size=128),
                                                    max_frames=3, on_result=results.append)
    last = results[-1]
    names = [n for n, _, _ in NODES]
    values = wait_until(lambda: (v := read(served.url, names))["InspectionId"] == last.inspection_id and v,
                        "the server to show the last inspection")
    d = last.decision
    assert values["LastVerdict"] == d.verdict and values["LastReason"] == d.reason
    assert (values["LastClassA"], values["LastClassB"]) == (d.a.label, d.b.label)
    assert values["LastConfidenceA"] == pytest.approx(d.a.confidence)
    assert values["LastConfidenceB"] == pytest.approx(d.b.confidence)
    counts = {v: sum(r.verdict == v for r in results) for v in ("PASS", "FAIL", "REVIEW")}
    assert (values["PassCount"], values["FailCount"], values["ReviewCount"]) == (
        counts["PASS"], counts["FAIL"], counts["REVIEW"])
    assert values["Reject"] is (d.verdict != "PASS")
    assert values["ManualMode"] is False and values["Trigger"] is False
    assert values["SelftestsDue"] in ("", "prm", "backdoor", "prm,backdoor")


def test_writing_trigger_true_inspects_one_frame(served, station):
    source = TriggeredSource(SyntheticSource(seed=9, size=128), served.trigger)
    results = []
    run = threading.Thread(target=lambda: Pipeline(station, source_name="triggered").run(
        source, max_frames=1, on_result=results.append), daemon=True)
    run.start()
    assert asyncio.run(_write_trigger(served.url)) is False  # taken: reads false again at once
    run.join(GUARD_S)
    assert not run.is_alive() and len(results) == 1 and served.trigger.fired >= 1
    inspected = results[0]
    values = wait_until(lambda: (v := read(served.url, ["InspectionId", "LastVerdict", "AnsweredTrigger",
                                                       "TriggersReceived"]))["InspectionId"]
                        == inspected.inspection_id and v, "the triggered inspection on the server")
    assert values["LastVerdict"] == inspected.verdict
    # the verdict says which request it answers: the one this write made
    assert values["AnsweredTrigger"] == values["TriggersReceived"] == inspected.frame.trigger == served.trigger.received


def test_manual_mode_follows_the_fail_safe(served, station):
    station.events.publish(AlarmChanged(True, {"by": "test"}))
    assert wait_until(lambda: read(served.url, ["ManualMode"])["ManualMode"], "ManualMode true")
    station.events.publish(AlarmChanged(False, {"by": "test"}))
    wait_until(lambda: read(served.url, ["ManualMode"])["ManualMode"] is False, "ManualMode false")


async def _write_anonymous_trigger(url: str) -> None:
    async with Client(url, timeout=GUARD_S) as client:
        idx = await client.get_namespace_index(NAMESPACE_URI)
        await client.get_node(f"ns={idx};s=Station.Trigger").write_value(
            ua.DataValue(ua.Variant(True, ua.VariantType.Boolean)))


def test_anonymous_when_allowed_trigger_read_only_without_hardware_trigger_and_stop_frees_the_port(station):
    port = free_port()
    s = Served(station, _spec(port, opcua_anonymous=True), with_trigger=False)
    try:
        assert s.started, s.link.detail
        assert read(s.url, ["LastVerdict"], None, None) == {"LastVerdict": s.line.snapshot().verdict}
        with pytest.raises((BadNotWritable, BadUserAccessDenied)):  # nothing would take the request
            asyncio.run(_write_anonymous_trigger(s.url))
        assert not port_is_free(port)
    finally:
        s.stop()
    assert port_is_free(port)
    assert [state for state, _ in s.statuses.of("opcua")] == ["listening", "off"]
    s.link.stop()  # twice is fine


def test_a_port_in_use_fails_the_link_with_the_setting_to_change(station):
    holder = busy_port()
    try:
        port = holder.getsockname()[1]
        s = Served(station, _spec(port, opcua_anonymous=True))
        try:
            assert s.started is False
            state, detail = s.statuses.of("opcua")[-1]
            assert state == "failed"
            assert str(port) in detail and "in use" in detail and "[links] opcua_endpoint" in detail
            results = []  # the station goes on inspecting without the link
            Pipeline(station, source_name="after a failed link").run(SyntheticSource(seed=2, size=128), max_frames=1,
                                                                     on_result=results.append)
            assert len(results) == 1
        finally:
            s.stop()
    finally:
        holder.close()


@pytest.mark.parametrize("problem", ["missing", "readable by others", "empty"])
def test_a_bad_password_file_fails_the_link_saying_what_to_do(station, tmp_path, problem):
    path = tmp_path / "password"
    if problem != "missing":
        path.write_text("" if problem == "empty" else PASSWORD)
        path.chmod(0o644 if problem == "readable by others" else 0o600)
    s = Served(station, _spec(free_port(), opcua_user=USER, opcua_password_file=str(path)))
    try:
        assert s.started is False
        state, detail = s.statuses.of("opcua")[-1]
        assert state == "failed" and "opcua_password_file" in detail and str(path) in detail
        assert {"missing": "does not exist", "readable by others": "chmod 600", "empty": "is empty"}[problem] in detail
    finally:
        s.stop()


# ------------------------------------------------------------------ certificates


def _certificate(folder: Path, name: str, uri: str, server: bool) -> tuple[Path, Path]:
    from asyncua.crypto.cert_gen import dump_private_key_as_pem, generate_private_key, generate_self_signed_app_certificate
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import ExtendedKeyUsageOID

    key = generate_private_key()
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    names = [x509.UniformResourceIdentifier(uri), x509.DNSName("localhost"), x509.DNSName(socket.gethostname())]
    cert = generate_self_signed_app_certificate(key, name, {}, names, [usage])
    cert_path, key_path = folder / f"{name}.der", folder / f"{name}.pem"
    cert_path.write_bytes(cert.public_bytes(Encoding.DER))
    key_path.write_bytes(dump_private_key_as_pem(key))
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("certs")
    trusted = folder / "trusted"
    trusted.mkdir()
    made = {"server": _certificate(folder, "station", "urn:inspection-station:test", server=True),
            "plc": _certificate(folder, "plc", "urn:plant:plc", server=False),
            "stranger": _certificate(folder, "stranger", "urn:elsewhere:client", server=False)}
    (trusted / "plc.der").write_bytes(made["plc"][0].read_bytes())
    made["trusted"] = (trusted, trusted)
    return made


async def _read_encrypted(url: str, server_cert: Path, client: tuple[Path, Path], app_uri: str,
                          user: tuple[str, str] | None = None, by_certificate: bool = False) -> str:
    c = Client(url, timeout=GUARD_S)
    c.application_uri = app_uri
    await c.set_security(SecurityPolicyBasic256Sha256, str(client[0]), str(client[1]),
                         server_certificate=str(server_cert), mode=ua.MessageSecurityMode.SignAndEncrypt)
    if user:
        c.set_user(user[0])
        c.set_password(user[1])
    if by_certificate:
        await c.load_client_certificate(str(client[0]))
        await c.load_private_key(str(client[1]))
    async with c:
        idx = await c.get_namespace_index(NAMESPACE_URI)
        return await c.get_node(f"ns={idx};s=Station.LastVerdict").read_value()


@pytest.fixture(scope="module")
def encrypted_link(station, certificates, password_file):
    server_cert, server_key = certificates["server"]
    s = Served(station, _spec(free_port(), opcua_certificate=str(server_cert), opcua_private_key=str(server_key),
                              opcua_trusted_clients=str(certificates["trusted"][0]), opcua_user=USER,
                              opcua_password_file=str(password_file)))
    assert s.started, s.link.detail
    yield s
    s.stop()


@pytest.fixture
def encrypted(encrypted_link):
    encrypted_link.link.server.iserver.backoff.failures.clear()  # as `served`: each test starts with none counted
    yield encrypted_link
    encrypted_link.link.server.iserver.backoff.failures.clear()


def test_with_a_certificate_only_encrypted_connections_and_trusted_plcs_get_in(encrypted, certificates):
    s, server_cert = encrypted, certificates["server"][0]
    verdict = s.line.snapshot().verdict
    # a trusted PLC signs in by its certificate, or with the account over the encrypted channel
    assert asyncio.run(_read_encrypted(s.url, server_cert, certificates["plc"], "urn:plant:plc",
                                       by_certificate=True)) == verdict
    assert asyncio.run(_read_encrypted(s.url, server_cert, certificates["plc"], "urn:plant:plc",
                                       user=(USER, PASSWORD))) == verdict
    # a client whose certificate is not in the trusted folder is refused, even with the password
    with pytest.raises(BadCertificateUntrusted):
        asyncio.run(_read_encrypted(s.url, server_cert, certificates["stranger"], "urn:elsewhere:client",
                                    user=(USER, PASSWORD)))
    # and nobody gets in without encryption: asyncua's own client finds no such endpoint ...
    with pytest.raises(ua.UaError):
        read(s.url, ["LastVerdict"])


def test_signing_in_on_an_unencrypted_channel_is_refused_when_a_certificate_is_set(encrypted, monkeypatch):
    """... and a client that ignores the offered endpoints, signing in on the unencrypted channel asyncua keeps
    open for discovery, is refused with the right password too."""
    monkeypatch.setattr(Client, "find_endpoint", staticmethod(lambda endpoints, mode, uri: endpoints[0]))
    with pytest.raises(BadSecurityModeRejected):
        read(encrypted.url, ["LastVerdict"])


def test_a_stranger_cannot_fill_the_station_s_memory_or_its_connections(served):
    """RegisterServer (a discovery server's service) needs no session in asyncua: refused. Idle connections beyond
    MAX_CONNECTIONS are turned away, so they cannot use up the files the station records images with."""
    from asyncua.ua.uaerrors import BadServiceUnsupported

    from station.links.opcua_server import MAX_CONNECTIONS

    async def register() -> None:
        c = Client(served.url, timeout=GUARD_S)
        await c.connect_socket()
        try:
            await c.send_hello()
            await c.open_secure_channel()
            rs = ua.RegisteredServer(ServerUri="urn:junk", ProductUri="x", ServerNames=[ua.LocalizedText("x")],
                                     ServerType=ua.ApplicationType.Server, IsOnline=True,
                                     DiscoveryUrls=["opc.tcp://junk/" + "A" * 100_000])
            with pytest.raises(BadServiceUnsupported):
                await c.uaclient.register_server(rs)
        finally:
            c.disconnect_socket()

    asyncio.run(register())
    assert "urn:junk" not in served.link.server.iserver._known_servers
    port = int(served.url.rsplit(":", 1)[1].split("/")[0])
    idle = [s for n in range(2, 8) for s in idle_sockets(port, 4, f"127.0.0.{n}")]  # 24 from 6 hosts
    try:
        wait_until(lambda: len(served.link.server.bserver.clients) >= MAX_CONNECTIONS, "the idle connections")
        assert served.link.server.iserver.max_connections == MAX_CONNECTIONS
        assert len(served.link.server.bserver.clients) <= MAX_CONNECTIONS
    finally:
        for s in idle:
            s.close()
    wait_until(lambda: len(served.link.server.bserver.clients) < MAX_CONNECTIONS, "the idle connections to close")
    assert "LastVerdict" in read(served.url, ["LastVerdict"])  # a PLC gets in again once they are gone


def test_sessions_created_and_never_signed_in_are_not_kept_without_end(served):
    """asyncua keeps every created session that is never activated, with no timeout; the station keeps the newest
    few, so a client cannot fill its memory one CreateSession at a time, and a PLC still signs in."""
    from station.links.opcua_security import MAX_UNACTIVATED_SESSIONS

    async def create_many() -> int:
        c = Client(served.url, timeout=GUARD_S)
        await c.connect_socket()
        try:
            await c.send_hello()
            await c.open_secure_channel()
            for _ in range(3 * MAX_UNACTIVATED_SESSIONS):
                await c.create_session()
            return len(served.link.server.iserver._external_sessions)
        finally:
            c.disconnect_socket()

    assert asyncio.run(create_many()) <= MAX_UNACTIVATED_SESSIONS
    assert "LastVerdict" in read(served.url, ["LastVerdict"])
