"""A link's life: its own thread and asyncio event loop, start and stop, and its state as LinkStatus events.

A link never blocks the inspection thread and never stops the station: a link that cannot start (a port in
use, a missing password file) publishes LinkStatus "failed" with a message saying what to change, and the
station goes on inspecting without it.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import threading
from abc import ABC, abstractmethod

from ..errors import StationError
from ..events import EventStream, LinkStatus

log = logging.getLogger("station.links")

START_TIMEOUT_S = 60.0  # a failure guard: loading the OPC UA address space takes about a second


class LinkError(StationError):
    """A link cannot start as configured; the message names the setting to change."""


class Link(ABC):
    name = "link"  # "opcua", "modbus": the LinkStatus link name
    setting = "[links]"  # the settings a person changes when the link fails to bind

    def __init__(self, events: EventStream):
        self.events = events
        self.state = "off"
        self.detail = ""
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stopping: asyncio.Event | None = None

    @property
    @abstractmethod
    def address(self) -> str:
        """Where PLCs reach the link, for people."""

    @abstractmethod
    async def _open(self) -> None:
        """Bind and start serving on this link's loop; raise when that is impossible."""

    @abstractmethod
    async def _close(self) -> None:
        """Stop serving and free the port."""

    def bind_hint(self) -> str:
        """What to change when the address cannot be bound."""
        return f"change {self.setting}"

    def start(self) -> bool:
        """Start serving in a thread of its own; True when listening, False when it failed (see `detail`)."""
        if self._thread is not None:
            return self.state == "listening"
        self._thread = threading.Thread(target=self._run, name=f"link-{self.name}", daemon=True)
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S):
            self._status("failed", f"did not start within {START_TIMEOUT_S:g} s")
        return self.state == "listening"

    def stop(self) -> None:
        """Stop serving, free the port and join the thread; safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        loop, stopping = self.loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:  # the loop ended on its own meanwhile
                pass
        thread.join(START_TIMEOUT_S)
        if self.state != "failed":
            self._status("off", "stopped")

    def call_soon(self, callback, *args) -> None:
        """Run `callback(*args)` on the link's loop; from any thread, never waiting for it."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(callback, *args)
            except RuntimeError:  # closed between the check and the call: the link is stopping
                pass

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        try:
            loop.run_until_complete(self._serve())
        except Exception as e:  # _serve reports its own failures; this is a last guard for the thread
            log.exception("link %s ended with an error", self.name)
            self._status("failed", str(e))
        finally:
            self._started.set()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        try:
            await self._open()
        except Exception as e:
            self._status("failed", self._explain(e))
            self._started.set()
            try:
                await self._close()
            except Exception:  # half-open: whatever could not be closed goes with the loop
                log.debug("link %s: close after a failed start", self.name, exc_info=True)
            return
        self._status("listening", self.address)
        self._started.set()
        try:
            await self._stopping.wait()
        finally:
            await self._close()

    def _explain(self, error: Exception) -> str:
        if isinstance(error, StationError):
            return str(error)
        if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
            return f"{self.address}: the port is in use by another program; stop it, or {self.bind_hint()}"
        if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EADDRNOTAVAIL):
            return f"{self.address}: cannot listen there ({error.strerror}); {self.bind_hint()}"
        return f"{self.address}: could not start ({type(error).__name__}: {error}); {self.bind_hint()}"

    def _status(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        (log.warning if state == "failed" else log.info)("link %s: %s (%s)", self.name, state, detail)
        self.events.publish(LinkStatus(self.name, state, detail))
