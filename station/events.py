"""The station's one event stream: decisions, alarms, self-test progress and link status.

The pipeline and the self-tests publish; the GUI, the PLC links and the audit subscribe. Handlers run
on the publisher's thread, right after the fact is committed, so they must be quick: a GUI hands the
event to its own thread, a PLC link to its event loop. A failing handler is logged and never stops the
line or the other subscribers.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger("station.events")


@dataclass(frozen=True)
class DecisionMade:
    """One inspected frame, after its row is committed."""

    inspection_id: int
    verdict: str  # PASS / FAIL / REVIEW
    reason: str  # empty for PASS / FAIL
    label_a: str
    conf_a: float
    label_b: str
    conf_b: float
    manual_mode: bool
    origin: str
    counts: dict[str, int]  # verdict -> frames decided by this pipeline since it started
    trigger: int | None = None  # the PLC request this frame answers (hardware-trigger mode), else None
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class AlarmChanged:
    """The fail-safe tripped (raised) or a manager reset it (cleared)."""

    raised: bool
    detail: dict
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class SelftestProgress:
    kind: str  # "prm", "backdoor", "tuning", ...
    done: int
    total: int
    text: str = ""
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class LinkStatus:
    """A PLC link's state: 'off', 'listening', 'connected', 'failed'."""

    link: str  # "opcua", "modbus"
    state: str
    detail: str = ""
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class LinkSignInFailed:
    """A PLC link refused a sign-in (a wrong password, an untrusted certificate): audited with where it came from."""

    link: str
    source: str  # the client's address
    in_a_row: int  # failures from that address in a row
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class ProductChanged:
    """A changeover: the station now judges frames with `product` (a label such as "hex-nut v2"; empty: the
    settings' classes), PLCs select it by `recipe` (0: none). `refused` says why a switch did not happen; `product`
    is then the one that goes on judging."""

    product: str
    recipe: int
    refused: str = ""
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class ForwardingStatus:
    """How forwarding to the plant stands: the newest frame the plant holds, how many wait here, and why it is
    paused or stopped ("" while it goes)."""

    station: str
    position: int | None  # None until the plant has answered once
    backlog: int | None
    paused: str = ""
    stopped: bool = False  # a person must act (the message says what), as opposed to an outage that passes
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class ProductArrived:
    """After a changeover to `product` (a name), what the station took from the plant (`[plant]
    install_at_changeover`): the versions recorded here, unsigned, or why none was (`problem`)."""

    product: str
    taken: tuple[str, ...] = ()
    problem: str = ""
    timestamp: float = field(default_factory=time.time)


Event = (DecisionMade | AlarmChanged | SelftestProgress | LinkStatus | LinkSignInFailed | ProductChanged
         | ForwardingStatus | ProductArrived)
Handler = Callable[[Event], None]


class Subscription:
    def __init__(self, stream: EventStream, handler: Handler, kinds: tuple[type, ...]):
        self._stream, self.handler, self.kinds = stream, handler, kinds

    def wants(self, event) -> bool:
        return not self.kinds or isinstance(event, self.kinds)

    def close(self) -> None:
        self._stream._remove(self)


class EventStream:
    """Publish-subscribe within one process, safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: tuple[Subscription, ...] = ()

    def subscribe(self, handler: Handler, *kinds: type) -> Subscription:
        """Call `handler` with every later event of the given kinds (all kinds when none are named)."""
        sub = Subscription(self, handler, kinds)
        with self._lock:
            self._subscriptions = (*self._subscriptions, sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            self._subscriptions = tuple(s for s in self._subscriptions if s is not sub)

    def publish(self, event) -> None:
        with self._lock:
            subscriptions = self._subscriptions
        for sub in subscriptions:
            if sub.wants(event):
                try:
                    sub.handler(event)
                except Exception:  # one broken subscriber must not stop the line
                    log.exception("event handler %r failed on %s", sub.handler, type(event).__name__)


__all__ = ["EventStream", "Subscription", "DecisionMade", "AlarmChanged", "SelftestProgress", "LinkStatus",
           "Event"]
