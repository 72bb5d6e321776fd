"""The station as an OPC UA server (asyncua): a PLC reads the verdict and writes Trigger to have a part inspected.

Every variable sits under the object `Station` in the namespace `urn:inspection-station`, with a fixed string
node id `ns=<index>;s=Station.<Name>` (the index is 2 on this server; clients look it up by the URI). The
server runs in its own thread and event loop (station.links.base); line-state changes reach it through
`call_soon_threadsafe` and are written as one batch, so a burst of frames never queues up writes.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from asyncua import Server, ua
from asyncua.common.callback import CallbackType
from asyncua.common.utils import ServiceError

from ..capture.triggered import Trigger
from ..config_schema import LinksSpec
from ..events import EventStream, LinkSignInFailed
from .base import Link, LinkError
from ..decision import FAIL, PASS, REVIEW
from .line_state import LineSnapshot, LineState
from .recipes import RecipeRequests
from .guard import ConnectionGuard, parse_networks
from .opcua_transport import GuardedServer
from .opcua_security import Access, SignInBackoff, StationInternalServer, StationUserManager, certificate_uri, private_file

NAMESPACE_URI = "urn:inspection-station"
APPLICATION_URI = "urn:inspection-station:server"  # unless the server certificate names its own
OBJECT = "Station"
TRIGGER = "Trigger"
RECIPE = "RecipeRequest"
MAX_CONNECTIONS = 16  # per link: more are closed at once, so open files stay for the station's own work

V = ua.VariantType
# (name, OPC UA type, what it says): the README's table is this one
NODES: tuple[tuple[str, ua.VariantType, str], ...] = (
    ("LastVerdict", V.String, "PASS, FAIL or REVIEW; empty until the first inspection since the station started"),
    ("LastReason", V.String, "why the part went to review (empty for PASS and FAIL)"),
    ("LastClassA", V.String, "check A's class key, e.g. washer/scratch"),
    ("LastConfidenceA", V.Double, "check A's confidence, 0 to 1"),
    ("LastClassB", V.String, "check B's class key"),
    ("LastConfidenceB", V.Double, "check B's confidence, 0 to 1"),
    ("InspectionId", V.Int64, "the last inspection's record number; changes with every verdict (0 before the first)"),
    ("PassCount", V.UInt32, "PASS verdicts since the station started"),
    ("FailCount", V.UInt32, "FAIL verdicts since the station started"),
    ("ReviewCount", V.UInt32, "REVIEW verdicts since the station started"),
    ("ManualMode", V.Boolean, "true while the fail-safe has tripped: every part goes to review"),
    ("SelftestsDue", V.String, "self-tests due or overdue, comma-separated (prm, backdoor); empty when none"),
    ("SelftestsOverdue", V.Boolean, "true when a self-test is more than a day overdue"),
    ("Reject", V.Boolean, "true when the last verdict is not PASS (and before the first): the part must not go on"),
    (TRIGGER, V.Boolean, "writable in hardware-trigger mode: write true to inspect the next frame; reads false again "
                         "once the station has taken the request"),
    ("TriggersReceived", V.UInt32, "the number of the newest trigger request the station accepted: read it right after "
                                   "writing Trigger to learn your request's number"),
    ("AnsweredTrigger", V.UInt32, "the number of the trigger request the Last* values answer: read the verdict once "
                                  "this equals your request's number"),
    (RECIPE, V.UInt16, "writable with [links] recipe_select: write a product's recipe number to make it live (0: the "
                       "settings' own classes); reads the last number asked for"),
    ("RecipeLive", V.UInt16, "the recipe number of the product judging now (0: none, the settings' classes)"),
    ("ProductLive", V.String, "the product judging now, with its version (\"hex-nut v2\"); empty: the settings' classes"),
    ("RecipeState", V.UInt16, "the last recipe request: 0 done (RecipeLive is the product now judging), 1 switching, "
                              "2 refused"),
    ("RecipeRefused", V.String, "why the last recipe request was refused (empty unless RecipeState is 2)"),
)
TYPES = {name: vtype for name, vtype, _ in NODES}

log = logging.getLogger("station.links")

for _name in ("asyncua", "asyncua.server", "asyncua.uaprotocol"):  # per-request INFO lines would flood the log
    logging.getLogger(_name).setLevel(logging.WARNING)


def node_id(name: str) -> str:
    """The string identifier of a variable (or the object itself), e.g. Station.LastVerdict."""
    return OBJECT if name == OBJECT else f"{OBJECT}.{name}"


def _u32(n: int) -> int:
    return n % 2**32


def node_values(s: LineSnapshot) -> dict[str, object]:
    """Every variable's value for a line state (Trigger excepted: the PLC writes it)."""
    return {
        "LastVerdict": s.verdict, "LastReason": s.reason, "LastClassA": s.label_a, "LastConfidenceA": float(s.conf_a),
        "LastClassB": s.label_b, "LastConfidenceB": float(s.conf_b), "InspectionId": s.inspection_id,
        "PassCount": _u32(s.count(PASS)), "FailCount": _u32(s.count(FAIL)), "ReviewCount": _u32(s.count(REVIEW)),
        "ManualMode": s.manual_mode, "SelftestsDue": ",".join(s.selftests_due),
        "SelftestsOverdue": s.selftests_overdue, "Reject": s.reject,
        "TriggersReceived": _u32(s.trigger_received), "AnsweredTrigger": _u32(s.trigger_answered),
        RECIPE: s.recipe_requested & 0xFFFF, "RecipeLive": s.recipe_live & 0xFFFF, "ProductLive": s.product,
        "RecipeState": s.recipe_state, "RecipeRefused": s.recipe_refused,
    }


class OpcUaLink(Link):
    name = "opcua"
    setting = "[links] opcua_endpoint"

    def __init__(self, events: EventStream, links: LinksSpec, line: LineState, trigger: Trigger | None = None,
                 recipes: RecipeRequests | None = None):
        super().__init__(events)
        self.links, self.line, self.trigger = links, line, trigger
        self.recipes = recipes  # None: RecipeRequest is read-only
        if trigger is not None:
            trigger.add_listener(line.set_trigger_received)
        self.server: Server | None = None
        self.namespace_index: int | None = None
        self._nodes: dict[str, ua.NodeId] = {}
        self._written: dict[str, object] = {}
        self._dirty: asyncio.Event | None = None
        self._writing: asyncio.Lock | None = None
        self._writer: asyncio.Task | None = None

    @property
    def address(self) -> str:
        return self.links.opcua_endpoint

    def bind_hint(self) -> str:
        port = urlparse(self.address).port
        return f"set [links] opcua_endpoint to another port than {port} in station.toml"

    async def _open(self) -> None:
        links = self.links
        access = Access.from_settings(links)  # LinkError when a file it names is missing or readable by others
        encrypted = bool(links.opcua_certificate)
        guard = ConnectionGuard("opcua", MAX_CONNECTIONS, links.connections_per_client,
                                parse_networks(links.allowed_clients), links.idle_timeout_seconds)
        backoff = SignInBackoff(lambda host, count: self.events.publish(LinkSignInFailed(self.name, host, count)))
        server = GuardedServer(guard, iserver=StationInternalServer(StationUserManager(access), encrypted_only=encrypted,
                                                                    backoff=backoff))
        server.iserver.max_connections = MAX_CONNECTIONS  # a cell has a few PLCs; idle sockets must not starve the line
        await server.init()
        server.set_endpoint(links.opcua_endpoint)
        server.set_server_name("Inspection station")
        if encrypted:
            cert = Path(links.opcua_certificate).expanduser()
            if not cert.is_file():
                raise LinkError(f"[links] opcua_certificate: {cert} does not exist; set the path of the server's "
                                "certificate (.der or .pem), or empty it to run without encryption")
            await server.load_certificate(str(cert))
            key = private_file(links.opcua_private_key, "opcua_private_key", "the server's private key")
            await server.load_private_key(str(key))
            await server.set_application_uri(certificate_uri(cert) or APPLICATION_URI)
            server.set_security_policy([ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt])
        else:
            await server.set_application_uri(APPLICATION_URI)
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        server.set_identity_tokens(access.identity_tokens())
        if access.trusted:
            server.set_certificate_validator(_only_trusted(access.trusted))
        await self._build_address_space(server)
        self.server = server  # from here on _close stops it, whether start() succeeds or not
        await server.start()
        self._dirty, self._writing = asyncio.Event(), asyncio.Lock()
        self._writer = asyncio.create_task(self._write_changes())
        self.line.add_listener(self._on_line_change)
        self._dirty.set()  # the current state at once

    async def _build_address_space(self, server: Server) -> None:
        idx = await server.register_namespace(NAMESPACE_URI)
        self.namespace_index = idx
        station = await server.nodes.objects.add_object(ua.NodeId(OBJECT, idx), ua.QualifiedName(OBJECT, idx))
        initial = node_values(LineSnapshot()) | {TRIGGER: False}
        for name, vtype, _ in NODES:
            nid = ua.NodeId(node_id(name), idx)
            await station.add_variable(nid, ua.QualifiedName(name, idx), ua.Variant(initial[name], vtype))
            self._nodes[name] = nid
        if self.trigger is not None:  # not writable when nothing would take the request
            await server.get_node(self._nodes[TRIGGER]).set_writable()
        if self.recipes is not None:
            await server.get_node(self._nodes[RECIPE]).set_writable()
        if self.trigger is not None or self.recipes is not None:
            server.subscribe_server_callback(CallbackType.PostWrite, self._after_write)

    async def _close(self) -> None:
        self.line.remove_listener(self._on_line_change)
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        if self.server is not None:
            server, self.server = self.server, None
            clock, server.iserver.time_task = server.iserver.time_task, None
            if clock is not None:  # asyncua's stop() would wait out the clock's one-second sleep
                clock.cancel()
                await asyncio.gather(clock, return_exceptions=True)
            await server.stop()

    def _on_line_change(self, _snapshot: LineSnapshot) -> None:
        # on the inspection thread: wake the writer and return
        if self._dirty is not None:
            self.call_soon(self._dirty.set)

    async def _write_changes(self) -> None:
        """The newest line state into the address space, changed values only; a burst of frames is one write."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            await self._write_snapshot()

    async def _write_snapshot(self) -> None:
        """The line state as it is now, changed values only, in node_values' order (RecipeLive before RecipeState: a
        client that reads RecipeState done, then RecipeLive, reads the product that judges). One at a time."""
        async with self._writing:
            snapshot, now = self.line.snapshot(), datetime.now(timezone.utc)
            try:
                for name, value in node_values(snapshot).items():
                    if name in self._written and self._written[name] == value:
                        continue
                    await self.server.write_attribute_value(self._nodes[name], ua.DataValue(
                        ua.Variant(value, TYPES[name]), SourceTimestamp=now, ServerTimestamp=now))
                    self._written[name] = value
            except Exception:  # never let one bad value stop the updates; the next change writes again
                log.exception("OPC UA link: could not write the line state")

    async def _after_write(self, event, _dispatcher) -> None:
        """A client wrote Trigger = true (one frame is requested, and Trigger reads false again) or a recipe number."""
        if not event.is_external:
            return
        trigger_id, recipe_id, fired = self._nodes[TRIGGER], self._nodes[RECIPE], False
        for item, status in zip(event.request_params.NodesToWrite, event.response_params):
            if item.AttributeId != ua.AttributeIds.Value or not status.is_good():
                continue
            if item.NodeId == recipe_id and self.recipes is not None:
                number = getattr(item.Value.Value, "Value", None)
                if isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= 0xFFFF:
                    self.recipes.request(number, self.name)  # anything else is not a recipe number: ignored
                    # before the client's write is answered: RecipeState already says switching (or done), never
                    # the state of the request before, which a PLC polling for "not switching" would take as done
                    await self._write_snapshot()
            elif item.NodeId == trigger_id and item.Value.Value.Value is True and not fired:
                self.trigger.fire()  # one request per write request, however many times it names Trigger
                fired = True
                await self.server.write_attribute_value(trigger_id, ua.DataValue(ua.Variant(False, V.Boolean)))


def _only_trusted(trusted: set[bytes]):
    """A certificate validator: a client's application certificate must be one of the trusted ones."""
    from cryptography.hazmat.primitives.serialization import Encoding

    async def validate(cert, _app_description) -> None:
        if cert.public_bytes(Encoding.DER) not in trusted:
            raise ServiceError(ua.StatusCodes.BadCertificateUntrusted)

    return validate
