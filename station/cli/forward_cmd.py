"""`station forward`: what this station recorded, to the plant its settings name."""

from __future__ import annotations

import json
import sys

from .common import open_records_of, stop_on_signals


def cmd_forward(args) -> int:
    """Until the plant holds every frame recorded here: one line a batch; an unreachable plant is said and ends it
    (with --follow: waited for, and new frames followed until stopped). Exit 0 once nothing waits, 1 otherwise."""
    from ..progress import Callbacks
    from ..service.plant import open_forwarder

    records, forwarder = open_records_of(args), None
    try:
        forwarder = open_forwarder(records)

        def report(_done: int, _total: int, text: str) -> None:
            if forwarder.paused is not None:  # why, always
                print(text, file=sys.stderr)
            elif not args.quiet and not args.json and (forwarder.last.sent or forwarder.last.reviews_sent
                                                                  or forwarder.last.desk_decisions):
                print(text)  # a line when the plant took something

        with stop_on_signals() as stop:
            progress = Callbacks(report, stop.is_set)
            if args.follow:
                forwarder.follow(progress, poll_s=args.poll_seconds, wait_s=args.retry_seconds)
            else:
                forwarder.forward_all(progress, wait_s=args.retry_seconds, retry=False)
        backlog = forwarder.backlog()
        reviews = forwarder.last.reviews_backlog if forwarder.last is not None else None
        summary = {"station": forwarder.station, "position": forwarder.position, "backlog": backlog,
                   "reviews_waiting": reviews, "plant_frames": forwarder.held()}
        if args.json:
            print(json.dumps(summary))
        else:
            held = "an unknown number of" if summary["plant_frames"] is None else summary["plant_frames"]
            waiting = "none" if backlog == 0 else ("some" if backlog is None else backlog)
            decisions = f", and {reviews} reviewers' decisions" if reviews else ""
            print(f"the plant holds {held} frames of {forwarder.station}; {waiting} waiting here{decisions}")
        return 0 if backlog == 0 and reviews == 0 else 1
    finally:
        if forwarder is not None:
            forwarder.plant.close()
        records.close()
