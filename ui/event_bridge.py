"""The station's event stream as Qt signals: handlers run on the publisher's thread, Qt delivers to the GUI's.

Only what the window shows from the stream: alarms (from any page or process), the PLC links' state,
changeovers, forwarding to the plant and what a changeover took from it. Each
decision reaches the live page through its runner, latest frame wins, so the line's thread does no work per
frame for the window here."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from station.events import AlarmChanged, EventStream, ForwardingStatus, LinkStatus, ProductArrived, ProductChanged


class StationEvents(QObject):
    alarm = Signal(object)  # AlarmChanged
    link = Signal(object)  # LinkStatus
    product = Signal(object)  # ProductChanged
    forwarding = Signal(object)  # ForwardingStatus
    arrived = Signal(object)  # ProductArrived

    def __init__(self, stream: EventStream, parent=None):
        super().__init__(parent)
        self.links: dict[str, LinkStatus] = {}  # each link's newest state
        self.forwarding_now: ForwardingStatus | None = None  # forwarding to the plant, as it last stood
        self._subscription = stream.subscribe(self._forward, AlarmChanged, LinkStatus, ProductChanged,
                                              ForwardingStatus, ProductArrived)

    def _forward(self, event) -> None:
        if isinstance(event, LinkStatus):
            self.links[event.link] = event
            self.link.emit(event)
        elif isinstance(event, ProductChanged):
            self.product.emit(event)
        elif isinstance(event, ForwardingStatus):
            self.forwarding_now = event
            self.forwarding.emit(event)
        elif isinstance(event, ProductArrived):
            self.arrived.emit(event)
        else:
            self.alarm.emit(event)

    def close(self) -> None:
        self._subscription.close()
