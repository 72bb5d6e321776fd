"""`station serve`: the station headless on the line, with its PLC links (station.links).

It inspects the configured source like `station inspect` (same sign-in, same permission, same pipeline), starts
the links `[links]` enables and, with `hardware_trigger = true`, inspects one frame per PLC trigger. It runs
until SIGINT or SIGTERM (a service manager's stop), or `--max-frames`, then stops the links and frees their ports.
"""

from __future__ import annotations

import sys
import time

from .common import data_folder_free, inspecting_user, source_from_args, stop_on_signals

def _link_line(event) -> None:
    if event.state == "failed":
        print(f"link {event.link} FAILED: {event.detail}; the station goes on without it", file=sys.stderr, flush=True)
    else:
        print(f"link {event.link}: {event.state}{' (' + event.detail + ')' if event.detail else ''}", flush=True)


class ForwardingLines:
    """A line when forwarding starts, pauses or stops, and when it takes up again (not one per batch)."""

    def __init__(self):
        self.paused = ""

    def __call__(self, status) -> None:
        if status.paused and status.paused != self.paused:
            print(status.paused, file=sys.stderr, flush=True)
        elif status.position is None:
            print(f"forwarding to the plant as {status.station} beside the line", flush=True)
        elif self.paused and not status.paused:
            print(f"forwarding to the plant as {status.station} again: up to frame #{status.position}", flush=True)
        self.paused = status.paused


def cmd_serve(args) -> int:
    data_folder_free(args)
    from ..events import ForwardingStatus, LinkStatus
    from ..service.plant import start_forwarding
    from ..progress import Callbacks
    from ..service.inspection import Pipeline, TriggeredSource, open_station, prepare_links
    from .station_cmds import verdict_line

    user = inspecting_user(args)  # settled before the models load, as for `inspect`
    station = open_station(args.data_dir)
    running, source, forwarding = None, None, None
    try:
        with stop_on_signals() as stop:
            cfg = station.config.links
            source = source_from_args(args, station.config)
            station.events.subscribe(_link_line, LinkStatus)
            if not (cfg.opcua_enabled or cfg.modbus_enabled):
                print("note: no PLC link is enabled; set [links] opcua_enabled or modbus_enabled in "
                      f"{args.data_dir / 'station.toml'} to wire one", flush=True)
                if cfg.hardware_trigger:
                    print("note: hardware_trigger = true with no link: nothing will trigger an inspection", flush=True)
            running = prepare_links(station)
            trigger = running.trigger
            if trigger is not None:
                source = TriggeredSource(source, trigger)
            running.start()  # after the source that answers the PLCs' requests is there
            station.events.subscribe(ForwardingLines(), ForwardingStatus)
            forwarding = start_forwarding(station)
            pipeline = Pipeline(station, operator=user, source_name=source.description)
            names = station.class_names
            if pipeline.manual_mode:
                print("MANUAL MODE: the fail-safe has tripped; every frame goes to review until a manager resets it "
                      "(station failsafe reset).", file=sys.stderr)
            waiting = "; waiting for PLC triggers" if trigger is not None else ""
            print(f"serving: {source.description}{waiting}; stop with Ctrl+C or SIGTERM", flush=True)
            verdicts: dict[str, int] = {}

            def show(r) -> None:
                verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
                if not args.quiet:
                    print(verdict_line(r, names), flush=True)
                if r.alarm_raised:
                    print("ALARM: too many frames need review; the station is now in manual mode", file=sys.stderr)

            t0 = time.monotonic()
            done = pipeline.run(source, max_frames=args.max_frames, on_result=show, progress=Callbacks(should_stop=stop.is_set))
            why = "stopped by a signal" if stop.is_set() else ("--max-frames reached" if done == args.max_frames
                                                               else "the source ended")
            print(f"{done} frames in {time.monotonic() - t0:.1f} s ({why}); "
                  + (", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())) or "no verdicts"), flush=True)
            return 0
    finally:
        if running is not None:
            running.stop()  # joins the links' threads: their ports are free when serve returns
        if source is not None:
            source.close()
        if forwarding is not None:
            forwarding.stop()  # after the batch in flight
        station.close()
