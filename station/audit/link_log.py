"""The audit trail follows the station's event stream for the PLC links: when each started, failed or stopped.

Decisions and alarms are recorded in the same transaction as their rows, so only the links' changes of
state need a subscriber. A repeat of the same state is not recorded again.
"""

from __future__ import annotations

import logging
import threading

from ..events import LinkSignInFailed, LinkStatus, Subscription
from .chain import record

log = logging.getLogger("station.audit")


def follow_links(events, db) -> Subscription:
    last: dict[str, str] = {}
    lock = threading.Lock()

    def on_link(event: LinkStatus | LinkSignInFailed) -> None:
        if isinstance(event, LinkSignInFailed):  # bounded by the link's back-off: each one is recorded
            _record(db, event.link, "link.sign_in_failed", source=event.source, in_a_row=event.in_a_row)
            return
        with lock:
            if last.get(event.link) == event.state:
                return
            last[event.link] = event.state
        _record(db, event.link, f"link.{event.state}", detail=event.detail[:500])

    return events.subscribe(on_link, LinkStatus, LinkSignInFailed)


def _record(db, link: str, action: str, **detail) -> None:
    try:
        with db.transaction() as s:
            record(s, "system", action, link=link, **detail)
    except Exception:  # the trail's own problems are reported by `audit verify`; the link goes on
        log.exception("could not record the %s link's %s", link, action)
