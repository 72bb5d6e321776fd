"""Checking the trail: the chain, the key, the checkpoint and every protected record against its seal."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..decision import REVIEW
from ..storage.models import AuditEvent, Inspection, Review, ReviewWaiting
from . import chain, seals
from .keying import KEYED
from .tail import lost_tail_notes

MAX_FINDINGS = 50
_CHUNK = 2000


@dataclass(frozen=True)
class Finding:
    where: str  # "event 12", "inspection 40", "checkpoint", "station.toml"
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class AuditReport:
    events: int = 0
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    more: int = 0  # findings beyond MAX_FINDINGS, not listed
    notes: list[str] = field(default_factory=list)  # what the station itself recorded: lost tails after a crash

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, where: str, problem: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(where, problem))
        else:
            self.more += 1

    @property
    def first_broken_id(self) -> int | None:
        for f in self.findings:
            if f.where.startswith("event "):
                return int(f.where.split()[1])
        return None

    @property
    def problem(self) -> str:
        return str(self.findings[0]) if self.findings else ""


def _check_chain(session: Session, report: AuditReport) -> AuditEvent | None:
    keys = chain.keys_of(session)
    key = keys.key() if keys is not None else None
    prev, keyed, last, keying_seen = chain.GENESIS, False, None, False
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)):
        report.events += 1
        where = f"event {event.id}"
        if event.prev_hash != prev:
            report.add(where, "does not point at the event before it (an event was removed or inserted)")
        if not chain.is_whole(event):
            report.add(where, f"content does not match its hash (the event '{event.action}' was edited)")
        keyed = keyed or event.action == KEYED  # from the keying event on, every event carries a MAC
        if event.mac:
            keyed = True
            if key is not None and not hmac.compare_digest(event.mac, keys.mac(event.hash, key)):
                report.add(where, "its MAC is wrong: the chain was recomputed or the event written without the key")
            elif event.action == KEYED:
                keying_seen = True
        elif keyed:
            report.add(where, "has no MAC although earlier events do (written or rewritten without the key)")
        prev, last = event.hash, event
    if key is not None and report.events and not keying_seen:
        report.add("audit key", "the trail has no keyed start ('audit.keyed' with a valid MAC) although the station "
                                "has a key: it was rewritten without the key")
    if keyed and key is None:
        report.add("audit key", f"{keys.key_path if keys else 'the key file'} is missing, so the MACs cannot be "
                                "checked; restore it from the station's backup")
    return last


def _check_checkpoint(session: Session, report: AuditReport, last: AuditEvent | None, head, problem: str) -> None:
    keys = chain.keys_of(session)
    if keys is None:
        return
    if problem:
        report.add("checkpoint", problem)
    if head is None:
        if last is not None and (last.mac or keys.key() is not None):
            report.add("checkpoint", f"{keys.head_path} is missing although the trail is keyed (deleted?)")
        return
    at = session.get(AuditEvent, head.event_id)
    end = f"#{last.id}" if last is not None else "nothing (the trail is empty)"
    if at is None and last is not None and head.event_id > last.id:
        report.add("checkpoint", f"names event #{head.event_id} as committed, but the trail ends at {end}: the newest "
                                 f"{head.event_id - last.id} event(s) are gone (a crash before they were durable, a "
                                 "restored copy, or a deletion); the station's next start records the loss")
    elif at is None:
        report.add("checkpoint", f"names event #{head.event_id} as committed, but the trail ends at {end}: "
                                 "the newest events were deleted")
    elif at.hash != head.event_hash:
        report.add("checkpoint", f"event #{head.event_id} is not the event the checkpoint recorded (rewritten)")


def _describe(obj) -> str:
    shown = {k: v for k, v in seals.row_content(obj).items()
             if k in ("verdict", "reason", "label", "good", "role", "active", "username", "status", "sha256",
                      "outcome", "reset_at", "label_a", "label_b")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def _check_table(session: Session, report: AuditReport, table: str) -> None:
    cls = seals.TABLES[table]
    top_row = session.scalar(select(func.max(cls.id))) or 0
    top_seal = session.scalar(select(func.max(AuditEvent.record_id)).where(AuditEvent.record_table == table)) or 0
    name = table.replace("_", " ")
    for lo in range(0, max(top_row, top_seal) + 1, _CHUNK):
        hi = lo + _CHUNK
        rows = {r.id: r for r in session.scalars(select(cls).where(cls.id >= lo, cls.id < hi))}
        newest: dict[int, str] = {}
        for record_id, record_digest in session.execute(
                select(AuditEvent.record_id, AuditEvent.record_digest)
                .where(AuditEvent.record_table == table, AuditEvent.record_id >= lo, AuditEvent.record_id < hi)
                .order_by(AuditEvent.id)):
            newest[record_id] = record_digest
        for row_id in sorted(set(rows) | set(newest)):
            row, sealed = rows.get(row_id), newest.get(row_id)
            where = f"{name} {row_id}"
            if row is not None:
                report.records += 1
            if row is None and sealed not in (None, seals.DELETED):
                report.add(where, "was deleted outside the station (its seal remains)")
            elif row is not None and sealed is None:
                report.add(where, f"was added outside the station (no seal): {_describe(row)}")
            elif row is not None and sealed == seals.DELETED:
                report.add(where, f"was deleted by the station but is back: {_describe(row)}")
            elif row is not None and not seals.matches(row, sealed):
                report.add(where, f"was changed outside the station; it now reads {_describe(row)}")
        session.expunge_all()  # keeps memory flat over a large table


def _check_review_queue(session: Session, report: AuditReport) -> None:
    """The queue the Review page reads (review_waiting, kept by triggers) against what it stands for: a frame
    missing from it would never be shown to a person; one in it that waits no more would be counted."""
    waiting = (select(Inspection.id).outerjoin(Review, Review.inspection_id == Inspection.id)
               .where(Inspection.verdict == REVIEW, Review.id.is_(None)))
    queued = select(ReviewWaiting.inspection_id)

    def first_ids(difference):
        ids = difference.subquery()
        return session.scalars(select(ids.c[0]).order_by(ids.c[0]).limit(20))

    for row_id in first_ids(waiting.except_(queued)):
        report.add(f"inspection {row_id}", "waits for review but is missing from the review queue, so no person "
                                           "would see it (the queue was changed outside the station)")
    for row_id in first_ids(queued.except_(waiting)):
        report.add(f"inspection {row_id}", "is in the review queue but waits no more (the queue was changed "
                                           "outside the station)")


def _read_one_snapshot(session: Session) -> None:
    """Every query of the check sees the same committed state, so a station inspecting meanwhile is not
    reported as a tampered one."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    elif session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify(session: Session) -> AuditReport:
    report = AuditReport()
    keys = chain.keys_of(session)
    head, problem = keys.read_head() if keys is not None else (None, "")  # before the snapshot: it names less
    _read_one_snapshot(session)
    last = _check_chain(session, report)
    _check_checkpoint(session, report, last, head, problem)
    report.notes = lost_tail_notes(session)
    for table in seals.TABLES:
        _check_table(session, report, table)
    _check_review_queue(session, report)
    return report
