"""What the PLC-link tests share: free loopback ports, a recorder of LinkStatus events, and waiting with a guard.

No test here measures time: `wait_until` returns as soon as its condition holds and fails only when the
guard (far longer than anything needs) runs out.
"""

from __future__ import annotations

import socket
import threading
import time

from station.events import EventStream, LinkStatus

HOST = "127.0.0.1"
GUARD_S = 30.0


def free_port() -> int:
    """A port nobody listens on now (the kernel's pick for port 0)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def busy_port() -> socket.socket:
    """A listening socket holding a port, as another program on the station would; close it when done."""
    s = socket.create_server((HOST, 0))
    return s


def port_is_free(port: int) -> bool:
    try:
        with socket.create_server((HOST, port)):
            return True
    except OSError:
        return False


def wait_until(condition, what: str, guard_s: float = GUARD_S):
    """condition()'s first truthy value; AssertionError naming `what` if the guard runs out first."""
    deadline = time.monotonic() + guard_s
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


class LinkStatuses:
    """Every LinkStatus published on `events`, in order."""

    def __init__(self, events: EventStream):
        self.seen: list[LinkStatus] = []
        self._lock = threading.Lock()
        self.subscription = events.subscribe(self._add, LinkStatus)

    def _add(self, event: LinkStatus) -> None:
        with self._lock:
            self.seen.append(event)

    def of(self, link: str) -> list[tuple[str, str]]:
        with self._lock:
            return [(e.state, e.detail) for e in self.seen if e.link == link]


def idle_sockets(port: int, count: int, source: str) -> list[socket.socket]:
    """Connections that say nothing, from `source`; those the link refuses are closed by it."""
    opened = []
    for _ in range(count):
        s = socket.socket()
        s.bind((source, 0))
        try:
            s.connect((HOST, port))
        except OSError:  # refused outright
            s.close()
            continue
        opened.append(s)
    return opened
