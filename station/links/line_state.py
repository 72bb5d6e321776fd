"""What a PLC may read about the line, in one thread-safe object built from the station's event stream.

The pipeline publishes DecisionMade after each committed inspection and AlarmChanged when the fail-safe
trips or is reset, the station ProductChanged at a changeover; LineState subscribes and keeps the latest values. Links read `snapshot()` (an immutable
copy) and may ask to be told of changes: listeners run on the publisher's thread, so a link's listener only
hands the snapshot to its own event loop. Nothing here reads the pipeline or the database per frame; the
self-test schedule is set from outside (station.links.selftest_watch) about once a minute.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Callable

from ..decision import PASS
from ..events import AlarmChanged, DecisionMade, EventStream, ProductChanged, Subscription


RECIPE_DONE, RECIPE_SWITCHING, RECIPE_REFUSED = 0, 1, 2  # how a PLC's last recipe request stands


@dataclass(frozen=True)
class LineSnapshot:
    verdict: str = ""  # PASS / FAIL / REVIEW; empty until the first inspection since the start
    reason: str = ""
    label_a: str = ""
    conf_a: float = 0.0
    label_b: str = ""
    conf_b: float = 0.0
    inspection_id: int = 0  # the database row of the last inspection; 0 before the first
    decided: int = 0  # frames decided since the start: a PLC sees a new verdict when this changes
    counts: dict[str, int] = field(default_factory=dict)  # verdict -> frames since the start
    manual_mode: bool = False  # the fail-safe has tripped: every part goes to review until a manager resets it
    selftests_due: tuple[str, ...] = ()  # self-test kinds due or overdue ("prm", "backdoor")
    selftests_overdue: bool = False
    # hardware-trigger mode: the newest PLC request accepted, and the one the values above answer (a PLC waits
    # until trigger_answered is its own request's number before it reads the verdict)
    trigger_received: int = 0
    trigger_answered: int = 0
    # changeover: the product judging now ("hex-nut v2"; empty: the settings' classes), its recipe number (0: none),
    # the last number a PLC asked for and how that request stands (RECIPE_DONE, _SWITCHING or _REFUSED, and why)
    product: str = ""
    recipe_live: int = 0
    recipe_requested: int = 0
    recipe_state: int = 0
    recipe_refused: str = ""

    @property
    def reject(self) -> bool:
        """The part must not go on: the last verdict is not PASS (also before any verdict: fail safe)."""
        return self.verdict != PASS

    def count(self, verdict: str) -> int:
        return self.counts.get(verdict, 0)


Listener = Callable[[LineSnapshot], None]


class LineState:
    def __init__(self, initial: LineSnapshot | None = None):
        self._lock = threading.Lock()
        self._snapshot = initial or LineSnapshot()
        self._listeners: tuple[Listener, ...] = ()
        self._subscription: Subscription | None = None

    @classmethod
    def of_station(cls, station) -> LineState:
        """Starting from what the station knows now (manual mode survives restarts), following its events."""
        product = station.product
        state = cls(LineSnapshot(manual_mode=station.open_alarm() is not None,
                                 product=product.label if product is not None else "",
                                 recipe_live=(product.recipe or 0) if product is not None else 0))
        state.follow(station.events)
        return state

    def follow(self, events: EventStream) -> None:
        self._subscription = events.subscribe(self._on_event, DecisionMade, AlarmChanged, ProductChanged)

    def close(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def snapshot(self) -> LineSnapshot:
        with self._lock:
            return self._snapshot

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(snapshot)` after every change, on the thread that made it: hand it on, never block."""
        with self._lock:
            self._listeners = (*self._listeners, listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = tuple(x for x in self._listeners if x != listener)  # bound methods: equal, not same

    def set_trigger_received(self, number: int) -> None:
        self._update(trigger_received=number)

    def set_recipe_requested(self, number: int) -> None:
        self._update(recipe_requested=number, recipe_state=RECIPE_SWITCHING, recipe_refused="")

    def set_recipe_state(self, state: int, why: str = "") -> None:
        self._update(recipe_state=state, recipe_refused=why)

    def set_selftests(self, due: list[str] | tuple[str, ...], overdue: bool) -> None:
        self._update(selftests_due=tuple(due), selftests_overdue=overdue)

    def _on_event(self, event) -> None:
        if isinstance(event, DecisionMade):
            self._update(verdict=event.verdict, reason=event.reason, label_a=event.label_a, conf_a=event.conf_a,
                         label_b=event.label_b, conf_b=event.conf_b, inspection_id=event.inspection_id,
                         decided=sum(event.counts.values()), counts=dict(event.counts), manual_mode=event.manual_mode,
                         **({} if event.trigger is None else {"trigger_answered": event.trigger}))
        elif isinstance(event, AlarmChanged):
            self._update(manual_mode=event.raised)
        elif isinstance(event, ProductChanged):
            self._update(product=event.product, recipe_live=event.recipe,
                         recipe_state=RECIPE_REFUSED if event.refused else RECIPE_DONE, recipe_refused=event.refused)

    def _update(self, **changes) -> None:
        with self._lock:
            new = replace(self._snapshot, **changes)
            if new == self._snapshot:
                return
            self._snapshot = new
            listeners = self._listeners
        for listener in listeners:
            listener(new)
