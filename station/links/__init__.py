"""Plant links: a PLC tells the station a part is in place and reads PASS/FAIL back to drive the reject gate.

- `line_state`: what a PLC may read, built from the station's event stream (never by asking the pipeline)
- `selftest_watch`: the self-test flags, from the schedule, about once a minute
- `opcua_server`, `opcua_security`: the OPC UA server and who may use it
- `modbus_server`: the Modbus TCP server and its register map
- `recipes`: changeover by a PLC's recipe number
- `base`: a link's own thread and event loop, start and stop, LinkStatus events

`start_links(station)` starts whatever `[links]` enables; `station serve` and the window call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..capture.triggered import Trigger
from .base import Link, LinkError
from .line_state import LineSnapshot, LineState
from .recipes import RecipeRequests
from .selftest_watch import SelftestWatch


@dataclass
class RunningLinks:
    line: LineState
    watch: SelftestWatch
    trigger: Trigger | None = None  # hardware-trigger mode: what the PLCs fire; wrap the source with it
    links: list[Link] = field(default_factory=list)
    recipes: RecipeRequests | None = None  # with [links] recipe_select: PLCs switch the live product

    def start(self) -> None:
        """Listen: from now on PLCs may connect (and fire the trigger)."""
        self.watch.start()
        for link in self.links:
            link.start()

    def stop(self) -> None:
        for link in self.links:
            link.stop()
        if self.recipes is not None:
            self.recipes.close()
        self.watch.stop()
        self.line.close()


def start_links(station) -> RunningLinks:
    """Start every link `[links]` enables on `station`; a link that fails says why (LinkStatus) and the rest go on."""
    running = prepare_links(station)
    running.start()
    return running


def prepare_links(station) -> RunningLinks:
    """The links `[links]` enables, not listening yet (`start()` them).

    With `hardware_trigger`, `RunningLinks.trigger` is what a PLC's trigger fires: wrap the source in a
    `TriggeredSource` before starting, so no request comes before the source that answers it. Without it the
    trigger inputs are read-only.
    """
    cfg = station.config.links
    if cfg.opcua_enabled or cfg.modbus_enabled:
        _more_open_files()
    trigger = Trigger() if cfg.hardware_trigger else None
    line = LineState.of_station(station)
    recipes = RecipeRequests(station, line) if cfg.recipe_select else None
    running = RunningLinks(line, SelftestWatch(station, line), trigger, recipes=recipes)
    if cfg.opcua_enabled:
        from .opcua_server import OpcUaLink

        running.links.append(OpcUaLink(station.events, cfg, line, trigger, recipes))
    if cfg.modbus_enabled:
        from .modbus_server import ModbusLink

        running.links.append(ModbusLink(station.events, cfg, line, trigger, recipes))
    return running


def _more_open_files(wanted: int = 4096) -> None:
    """Links hold sockets in the process that records images: raise the soft open-file limit toward the hard one
    (a service's default soft limit is 1024)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


__all__ = ["start_links", "prepare_links", "RunningLinks", "Link", "LinkError", "LineState", "LineSnapshot", "SelftestWatch"]
