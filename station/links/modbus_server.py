"""The station as a Modbus TCP server (pymodbus), for PLCs without OPC UA.

The register map is the table REGISTERS below (the README copies it). Addresses are the 0-based ones on the
wire (a PLC tool that counts holding registers from 40001 shows register 1 as 40002). Any unit id answers.
Values are filled in from the line state each time a PLC reads them, so there is nothing to push and nothing
to go stale; a PLC's write to the trigger register fires the station's trigger and the register reads 0 again.
"""

from __future__ import annotations

import asyncio
import logging
import socket

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from ..capture.triggered import Trigger
from ..config_schema import LinksSpec
from ..events import EventStream
from .base import Link
from .guard import ConnectionGuard, parse_networks
from ..decision import FAIL, PASS, REVIEW
from .line_state import LineSnapshot, LineState
from .recipes import RecipeRequests

# (table, address, name, what it says): the register map, in one place
REGISTERS: tuple[tuple[str, int, str, str], ...] = (
    ("holding", 0, "trigger", "hardware-trigger mode: write 1 to inspect the next frame; the station takes the "
                              "request and the register reads 0 again (not writable otherwise)"),
    ("holding", 1, "verdict", "the last verdict: 0 none yet, 1 PASS, 2 FAIL, 3 REVIEW"),
    ("holding", 2, "decided, high word", "frames decided since the station started, 32 bits, high word first: "
                                         "a new verdict is there when it changes"),
    ("holding", 3, "decided, low word", "(the low 16 bits of the same count)"),
    ("holding", 4, "manual mode", "1 while the fail-safe has tripped (every part goes to review), else 0"),
    ("holding", 5, "self-tests", "0 none due, 1 a self-test is due, 2 one is more than a day overdue"),
    ("holding", 6, "trigger answered", "hardware-trigger mode: the number (low 16 bits) of the trigger request the "
                                       "verdict answers; read the verdict once this equals your request's number"),
    ("holding", 7, "trigger received", "the number (low 16 bits) of the newest trigger request the station accepted: "
                                       "read it right after writing the trigger to learn your request's number"),
    ("holding", 8, "recipe request", "with [links] recipe_select: write a product's recipe number to make it live "
                                     "(0: the settings' own classes); reads the last number asked for"),
    ("holding", 9, "recipe live", "the recipe number of the product judging now (0: none, the settings' classes)"),
    ("holding", 10, "recipe state", "the last request: 0 done (recipe live is the product now judging), 1 switching, "
                                    "2 refused (an unknown or unsigned number, or a product that cannot load)"),
    ("coil", 0, "reject", "1 when the last verdict is not PASS (also before the first): the part must not go on"),
)
# input registers 1-10 and discrete input 0 mirror holding registers 1-10 and coil 0, for PLCs that read those
VERDICT_CODES = {"": 0, PASS: 1, FAIL: 2, REVIEW: 3}
TRIGGER_REGISTER, RECIPE_REGISTER = 0, 8
MAX_CONNECTIONS = 16  # clients at once; more are closed at once
REGISTER_COUNT = 11
COIL_CODES, DISCRETE_CODES = (1, 5, 15), (2,)

logging.getLogger("pymodbus").setLevel(logging.WARNING)


def register_values(s: LineSnapshot) -> list[int]:
    """Holding (and input) registers 0-10 for a line state."""
    due = 2 if s.selftests_overdue else (1 if s.selftests_due else 0)
    decided = s.decided % 2**32
    return [0, VERDICT_CODES.get(s.verdict, 0), decided >> 16, decided & 0xFFFF, int(s.manual_mode), due,
            s.trigger_answered & 0xFFFF, s.trigger_received & 0xFFFF, s.recipe_requested & 0xFFFF,
            s.recipe_live & 0xFFFF, s.recipe_state]


def _device(writable_trigger: bool, writable_recipe: bool, action) -> SimDevice:
    bit = [SimData(0, values=False, datatype=DataType.BITS, readonly=True)]
    registers = [SimData(TRIGGER_REGISTER, values=0, datatype=DataType.REGISTERS, readonly=not writable_trigger),
                 SimData(1, count=RECIPE_REGISTER - 1, values=0, datatype=DataType.REGISTERS, readonly=True),
                 SimData(RECIPE_REGISTER, values=0, datatype=DataType.REGISTERS, readonly=not writable_recipe),
                 SimData(RECIPE_REGISTER + 1, count=REGISTER_COUNT - RECIPE_REGISTER - 1, values=0,
                         datatype=DataType.REGISTERS, readonly=True)]
    inputs = [SimData(0, count=REGISTER_COUNT, values=0, datatype=DataType.REGISTERS, readonly=True)]
    # (coils, discrete inputs, holding registers, input registers): four separate tables, as PLCs expect
    return SimDevice(id=0, simdata=(bit, list(bit), registers, inputs), action=action)


class ModbusLink(Link):
    name = "modbus"
    setting = "[links] modbus_port"

    def __init__(self, events: EventStream, links: LinksSpec, line: LineState, trigger: Trigger | None = None,
                 recipes: RecipeRequests | None = None):
        super().__init__(events)
        self.recipes = recipes  # None: the recipe register is read-only
        self.host, self.port = links.modbus_host, links.modbus_port
        self.guard = ConnectionGuard("modbus", MAX_CONNECTIONS, links.connections_per_client,
                                     parse_networks(links.allowed_clients), links.idle_timeout_seconds)
        self.line, self.trigger = line, trigger
        self.server: ModbusTcpServer | None = None
        if trigger is not None:
            trigger.add_listener(line.set_trigger_received)

    @property
    def address(self) -> str:
        return f"modbus tcp {self.host}:{self.port}"

    def bind_hint(self) -> str:
        return f"set [links] modbus_port (now {self.port}) or modbus_host in station.toml"

    async def _open(self) -> None:
        server = _GuardedTcpServer(_device(self.trigger is not None, self.recipes is not None, self._on_access),
                                   address=(self.host, self.port))
        server.guard = self.guard
        self.server = server
        if not await server.listen():  # pymodbus logs the reason and returns False: find it again, for people
            raise _bind_error(self.host, self.port)

    async def _close(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.shutdown()

    async def _on_access(self, func_code: int, start: int, address: int, count: int, registers: list[int],
                         written: list | None) -> ExcCodes | None:
        """Every read or write, before pymodbus answers it: fill in the values, take a trigger."""
        if written is not None:
            if func_code in COIL_CODES:  # pymodbus keeps no read-only flag for bits
                return ExcCodes.ILLEGAL_ADDRESS
            at = dict(zip(range(address, address + len(written)), written))
            if self.trigger is not None and at.get(TRIGGER_REGISTER):
                self.trigger.fire()
                # taken: 0 again once this write has landed (its reply echoes what the PLC wrote, as Modbus says)
                asyncio.get_running_loop().call_soon(_clear, registers, TRIGGER_REGISTER - start)
            if self.recipes is not None and RECIPE_REGISTER in at:
                self.recipes.request(int(at[RECIPE_REGISTER]), self.name)
            return None
        s = self.line.snapshot()
        if func_code in COIL_CODES or func_code in DISCRETE_CODES:
            registers[0] = (registers[0] & ~1) | int(s.reject)  # bit 0 of the first 16
        else:
            values = register_values(s)
            for i in range(len(registers)):  # the trigger register keeps what pymodbus holds (a write lands there)
                if start + i != TRIGGER_REGISTER and start + i < REGISTER_COUNT:
                    registers[i] = values[start + i]
        return None


class _GuardedTcpServer(ModbusTcpServer):
    """Connections as the ConnectionGuard allows (pymodbus sets no limit): one refused is closed as soon as it is
    made, and one that sends no request for `[links] idle_timeout_seconds` is closed, so idle sockets can neither
    crowd out a PLC nor use up the open files the station needs to record images."""

    guard: ConnectionGuard

    def callback_new_connection(self):
        handler = super().callback_new_connection()
        made, lost, received = handler.connection_made, handler.connection_lost, handler.data_received
        state = {"admitted": False, "peer": None, "heard": False}

        def guarded_made(transport) -> None:
            made(transport)  # registered as usual, so closing it also forgets it
            state["peer"] = transport.get_extra_info("peername")
            if not self.guard.admit(state["peer"]):
                transport.close()
                return
            state["admitted"] = True
            self.guard.watch(transport, heard_since, state["peer"])

        def heard_since() -> bool:
            heard, state["heard"] = state["heard"], False
            return heard

        def guarded_received(data: bytes) -> None:
            state["heard"] = True
            received(data)

        def guarded_lost(exc) -> None:
            if state["admitted"]:
                state["admitted"] = False
                self.guard.release(state["peer"])
            lost(exc)

        handler.connection_made, handler.connection_lost = guarded_made, guarded_lost
        handler.data_received = guarded_received
        return handler


def _clear(registers: list[int], index: int) -> None:
    registers[index] = 0


def _bind_error(host: str, port: int) -> OSError:
    """The OSError binding the address gives now (pymodbus does not pass its own on)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        return e
    return OSError(f"pymodbus could not listen on {host}:{port}")
