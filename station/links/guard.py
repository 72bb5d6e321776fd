"""Who may hold a link's connections: the PLCs of the cell, not whoever opens sockets.

A link serves few clients; its connections are a scarce resource a flood of idle sockets would otherwise take
(a PLC then gets "connection reset" while the station looks fine). Each new connection is admitted only when
- its address is allowed (`[links] allowed_clients`: addresses or networks; empty: any),
- its address holds fewer than `[links] connections_per_client`,
- the link holds fewer than its total;
and a connection that does nothing useful for a few seconds is closed (a link says what "useful" is: a Modbus
request, an OPC UA sign-in).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections import Counter
from typing import Callable

log = logging.getLogger("station.links")


def parse_networks(text: str) -> list:
    """'192.168.10.0/24, 10.1.2.3' -> networks; empty -> [] (any address). ValueError names a bad entry."""
    networks = []
    for entry in (e.strip() for e in text.replace(";", ",").split(",")):
        if entry:
            networks.append(ipaddress.ip_network(entry, strict=False))
    return networks


def _host(peer) -> str:
    return str(peer[0]) if isinstance(peer, (tuple, list)) and peer else str(peer or "")


class ConnectionGuard:
    def __init__(self, link: str, total: int, per_client: int, allowed: list, idle_s: float):
        self.link, self.total, self.per_client, self.allowed, self.idle_s = link, total, per_client, allowed, idle_s
        self.held: Counter = Counter()  # host -> open connections
        self.refused = 0

    def _allowed(self, host: str) -> bool:
        if not self.allowed:
            return True
        try:
            address = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in net for net in self.allowed)

    def admit(self, peer) -> bool:
        """True (and counted) when a connection from `peer` may stay; False when it is to be closed at once."""
        host = _host(peer)
        why = ("not in [links] allowed_clients" if not self._allowed(host) else
               f"{self.per_client} connections from that address already" if self.held[host] >= self.per_client else
               f"{self.total} connections already" if sum(self.held.values()) >= self.total else "")
        if why:
            self.refused += 1
            log.warning("%s: connection from %s refused: %s", self.link, host, why)
            return False
        self.held[host] += 1
        return True

    def release(self, peer) -> None:
        host = _host(peer)
        self.held[host] -= 1
        if self.held[host] <= 0:
            del self.held[host]

    def watch(self, transport: asyncio.BaseTransport, useful: Callable[[], bool], peer) -> None:
        """Close `transport` when `useful()` is false after idle_s, and at every idle_s after that (so a client
        that falls silent is let go too). `useful()` answers for the time since it was last asked."""
        loop = asyncio.get_running_loop()

        def check() -> None:
            if transport.is_closing():
                return
            if not useful():
                log.warning("%s: closing %s: nothing for %.0f s", self.link, _host(peer), self.idle_s)
                transport.close()
                return
            loop.call_later(self.idle_s, check)

        loop.call_later(self.idle_s, check)
