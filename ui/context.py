"""What every page shares: the open station, its one pipeline and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from station.service import plant, selftests
from station.service.accounts import PERMISSIONS
from station.service.inspection import Pipeline, RunningLinks, Station, Trigger, start_links

from .event_bridge import StationEvents
from .i18n import shown_name


class Events(QObject):
    user_changed = Signal()
    prompts_changed = Signal()  # the live prompt set changed (activation, rollback)
    settings_changed = Signal()
    inspections_recorded = Signal()


@dataclass
class AppContext:
    station: Station
    pipeline: Pipeline
    user: object | None = None  # the signed-in account, as station.auth.sign_in returned it
    events: Events = field(default_factory=Events)
    station_events: StationEvents | None = None  # the station's own stream, delivered on the GUI thread
    links: RunningLinks | None = None  # the PLC links this window started
    forwarding: object | None = None  # the forwarder to the plant this window started (service.plant)

    def __post_init__(self) -> None:
        if self.station_events is None:
            self.station_events = StationEvents(self.station.events)

    def start_links(self) -> None:
        """Start the PLC links `[links]` enables, as `station serve` does; their state shows in the header."""
        cfg = self.station.config.links
        if not (cfg.opcua_enabled or cfg.modbus_enabled) or self.links is not None:
            return
        self.links = start_links(self.station)

    @property
    def trigger(self) -> Trigger | None:
        """Hardware-trigger mode: what a PLC's trigger fires; the live page takes one frame per request."""
        return self.links.trigger if self.links is not None else None

    def stop_links(self) -> None:
        if self.links is not None:
            self.links.stop()  # frees the ports
            self.links = None

    def start_forwarding(self) -> None:
        """With [plant] set, forward to the plant beside the line as `station serve` does; shown in the header."""
        if self.forwarding is None:
            self.forwarding = plant.start_forwarding(self.station)

    def stop_forwarding(self) -> None:
        if self.forwarding is not None:
            self.forwarding.stop()  # after the batch in flight
            self.forwarding = None

    def schedule(self) -> tuple[list, str]:
        """The self-test schedule for display: a DueState per self-test and the most urgent status."""
        return selftests.schedule(self.station)

    def can(self, permission: str) -> bool:
        """What the GUI shows; `station` enforces the same rules itself."""
        return self.user is not None and self.user.active and self.user.role in PERMISSIONS[permission]

    @property
    def class_names(self) -> dict[str, str]:
        """Each class's name in the window's language (`name_ja` in Japanese where the settings give one)."""
        return {c.key: shown_name(c) for c in self.station.config.classes}
