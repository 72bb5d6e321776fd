"""The station's event stream as Qt signals: handlers run on the publisher's thread, Qt delivers to the GUI's."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from station.events import AlarmChanged, DecisionMade, EventStream, LinkStatus, SelftestProgress


class StationEvents(QObject):
    decision = Signal(object)  # DecisionMade
    alarm = Signal(object)  # AlarmChanged
    progress = Signal(object)  # SelftestProgress
    link = Signal(object)  # LinkStatus

    def __init__(self, stream: EventStream, parent=None):
        super().__init__(parent)
        self._signals = {DecisionMade: self.decision, AlarmChanged: self.alarm, SelftestProgress: self.progress,
                         LinkStatus: self.link}
        self.links: dict[str, LinkStatus] = {}
        self._subscription = stream.subscribe(self._forward)

    def _forward(self, event) -> None:
        if isinstance(event, LinkStatus):
            self.links[event.link] = event
        signal = self._signals.get(type(event))
        if signal is not None:
            signal.emit(event)

    def close(self) -> None:
        self._subscription.close()
