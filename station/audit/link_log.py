"""The audit trail follows the station's event stream for the PLC links: when each started, failed or stopped.

Decisions and alarms are recorded in the same transaction as their rows, so only the links' changes of
state need a subscriber. A repeat of the same state is not recorded again.
"""

from __future__ import annotations

import logging
import threading

from ..events import LinkStatus, Subscription
from .chain import record

log = logging.getLogger("station.audit")


def follow_links(events, db) -> Subscription:
    last: dict[str, str] = {}
    lock = threading.Lock()

    def on_link(event: LinkStatus) -> None:
        with lock:
            if last.get(event.link) == event.state:
                return
            last[event.link] = event.state
        try:
            with db.transaction() as s:
                record(s, "system", f"link.{event.state}", link=event.link, detail=event.detail[:500])
        except Exception:  # the trail's own problems are reported by `audit verify`; the link goes on
            log.exception("could not record the %s link's state %s", event.link, event.state)

    return events.subscribe(on_link, LinkStatus)
