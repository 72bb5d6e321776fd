"""A trail whose newest events are gone because the database went back in time (a crash before the newest
transactions were durable, or a copy of the data folder restored from before them), told apart from a trail that
was cut by hand only by what can be known: the checkpoint names an event beyond the trail's end, and the trail up
to its end is whole. The loss is recorded as an event that says how many events and since when, and the
checkpoint moves to it, so `audit verify` names the loss instead of reporting a deletion for ever after."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..storage.models import AuditEvent
from . import chain
from .keys import AuditKeys

TAIL_LOST = "audit.tail_lost"
log = logging.getLogger("station.audit")


def recognise_lost_tail(sessions: sessionmaker, keys: AuditKeys | None) -> int:
    """Records a rolled-back tail (returns how many events were lost; 0 when none). Runs before this process
    writes anything, so no new event can take an id the checkpoint names."""
    if keys is None or keys.key() is None:
        return 0  # without the key nothing can be recorded; `audit verify` says what is missing
    head, problem = keys.read_head()
    if head is None or problem:
        return 0  # a missing or altered checkpoint is reported by `audit verify`, not explained away
    with sessions() as s, s.begin():
        if s.get_bind().dialect.name == "sqlite":
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")  # no other writer between the look and the record
        last = s.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        if last is None or head.event_id <= last.id or not chain.is_whole(last):
            return 0
        since = datetime.fromtimestamp(keys.head_path.stat().st_mtime, timezone.utc)
        lost = head.event_id - last.id
        event = chain.append(s, "system", TAIL_LOST, {
            "lost": lost, "checkpoint_event": head.event_id, "trail_end": last.id,
            "checkpoint_written": since.isoformat(timespec="seconds")})
        s.flush()
        event_id, event_hash = event.id, event.hash
    keys.rewind_head(event_id, event_hash)
    log.error("the audit trail lost its newest %d event(s) (after #%d; the checkpoint of %s named #%d): the "
              "database went back in time (a crash or a restored copy); recorded as event #%d",
              lost, head.event_id - lost, since.isoformat(timespec="seconds"), head.event_id, event_id)
    return lost


def lost_tail_notes(session) -> list[str]:
    """Each recorded loss, for `audit verify` to name (a note, not a finding: the station recorded it)."""
    notes = []
    for e in session.scalars(select(AuditEvent).where(AuditEvent.action == TAIL_LOST).order_by(AuditEvent.id)):
        d = e.detail or {}
        notes.append(f"the last {d.get('lost', '?')} event(s) after #{d.get('trail_end', '?')} were lost in a crash "
                     f"or restore (the checkpoint written {d.get('checkpoint_written', '?')} named "
                     f"#{d.get('checkpoint_event', '?')}); recorded as event #{e.id} at {e.at:%Y-%m-%d %H:%M:%S}")
    return notes
