"""asyncua's socket server with the station's ConnectionGuard in front: a connection is admitted (allowed
address, per-address and total limits) before asyncua sees it, and asyncua's own watchdog closes one that has not
signed in within `[links] idle_timeout_seconds`."""

from __future__ import annotations

import asyncio

from asyncua import Server
from asyncua.server.binary_server_asyncio import BinaryServer, OPCUAProtocol

from .guard import ConnectionGuard


class _GuardedProtocol(OPCUAProtocol):
    guard: ConnectionGuard

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._admitted_peer = None
        peer = transport.get_extra_info("peername")
        if not self.guard.admit(peer):
            transport.close()  # never handed to asyncua: it holds no slot and no session
            return
        self._admitted_peer = peer
        super().connection_made(transport)

    def connection_lost(self, ex: BaseException | None) -> None:
        if self._admitted_peer is not None:
            self.guard.release(self._admitted_peer)
            self._admitted_peer = None
            super().connection_lost(ex)


class _GuardedBinaryServer(BinaryServer):
    guard: ConnectionGuard

    def _make_protocol(self) -> OPCUAProtocol:
        protocol = _GuardedProtocol(iserver=self.iserver, policies=self._policies, clients=self.clients,
                                    closing_tasks=self.closing_tasks, limits=self.limits)
        protocol.guard = self.guard
        return protocol


class GuardedServer(Server):
    """asyncua's Server, listening through _GuardedBinaryServer (Server.start builds a plain BinaryServer)."""

    def __init__(self, guard: ConnectionGuard, **kwargs):
        super().__init__(**kwargs)
        self.guard = guard
        self.iserver.max_pending_activation_seconds = guard.idle_s  # not signed in by then: closed

    async def start(self) -> None:
        await self._setup_server_nodes()
        await self.iserver.start()
        try:
            host, port = self._get_bind_socket_info()
            self.bserver = _GuardedBinaryServer(self.iserver, host, port, self.limits)
            self.bserver.guard = self.guard
            self.bserver.set_policies(self._policies)
            await self.bserver.start()
        except Exception:
            await self.iserver.stop()
            raise
