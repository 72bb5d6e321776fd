"""What a station tells its plant besides frames and reviews, and what it takes back, once a forwarding pass has
reached the plant: how it stands (its classes, self-tests due, backlog: what the desk and its overview show), its
alarms and finished self-test runs, its audit trail, and the review desk's decisions on its frames, recorded here
as reviews.

Alarms and runs are few (a handful a day): each pass compares what the plant holds with what is here and sends
the difference, so an alarm reset since it was sent is brought up to date too.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from sqlalchemy import func, select

from . import auth, review
from .desk_decisions import checked_decision
from .errors import StationError
from .selftest.schedule import station_schedule
from .selftest.strength import run_note, shown_status
from .storage.models import Alarm, AuditEvent, Review, SelftestRun
from .storage.plant import PlantDatabase, aware

AUDIT_BATCH = 1000  # audit events a pass (a frame makes one or two)
HEARTBEAT_S = 60.0  # how a station stands is said again at least this often (the overview's "last seen")


class PlantSync:
    def __init__(self, records, plant: PlantDatabase, station: str):
        self.records, self.plant, self.station = records, plant, station
        self._said: tuple | None = None  # what the plant was last told of how this station stands
        self._said_at = 0.0

    def run(self, backlog: int | None) -> tuple[int, int]:
        """One pass: how it stands, alarms, self-test runs, the desk's decisions (recorded here), then the audit
        trail; (desk decisions recorded, audit events not sent yet). Raises what the plant raises (the forwarder
        pauses or stops on it)."""
        self._introduce(backlog)
        self._send_alarms()
        self._send_selftests()
        taken = self._take_back_desk_decisions()
        return taken, self._send_audit()

    def _send_audit(self) -> int:
        """The next events of this station's audit trail after those the plant holds, in order (its chain, side
        by side with the other stations'); how many are left to send."""
        after = self.plant.position(self.station, "audit")
        with self.records.db.session() as s:
            if after and s.scalar(select(AuditEvent.hash).where(AuditEvent.id == after)) != self.plant.audit_hash(
                    self.station, after):  # a trail that is not this one's would be continued as if it were
                raise StationError(f"the plant's audit event #{after} of {self.station!r} is not this station's: "
                                   "another station forwards under this name, or the plant's copy was changed; "
                                   "run `station audit verify --plant`")
            events = s.scalars(select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id)
                               .limit(AUDIT_BATCH)).all()
            rows = [{"station": self.station, "sequence": e.id, "at": aware(e.at), "actor": e.actor,
                     "action": e.action, "detail": json.dumps(e.detail or {}), "prev_hash": e.prev_hash,
                     "hash": e.hash, "mac": e.mac or None, "record_table": e.record_table, "record_id": e.record_id,
                     "record_digest": e.record_digest} for e in events]
            self.plant.add(rows, "audit")
            last = rows[-1]["sequence"] if rows else after
            return int(s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id > last)))

    def _introduce(self, backlog: int | None) -> None:
        with self.records.db.session() as s:  # per version: a frame judged before a changeover keeps its classes
            by_version = review.Answers.of_station(s, self.records).by_version()
        classes = [{"key": c.key, "name": c.name, "name_ja": c.name_ja, "good": c.good, "product": label}
                   for label, answers in by_version.items() for c in answers]
        states, urgent = station_schedule(self.records)
        now = datetime.now(timezone.utc)
        state = {"selftests": [{"kind": d.kind, "status": d.status(now), "every_days": d.every_days,
                                "last_run": d.last_run.isoformat() if d.last_run else None,
                                "next_due": d.next_due.isoformat() if d.next_due else None} for d in states],
                 "selftests_status": urgent, "backlog": backlog}
        said = (json.dumps(classes), json.dumps(state, sort_keys=True))
        if said != self._said or time.monotonic() - self._said_at > HEARTBEAT_S:
            self.plant.introduce(self.station, classes, state)
            self._said, self._said_at = said, time.monotonic()

    def _send_alarms(self) -> None:
        held = self.plant.held(self.station, "alarm")
        with self.records.db.session() as s:
            rows = [{"station": self.station, "sequence": a.id, "kind": a.kind, "raised_at": aware(a.raised_at),
                     "reset_at": aware(a.reset_at) if a.reset_at else None, "detail": json.dumps(a.detail or {})}
                    for a in s.scalars(select(Alarm).order_by(Alarm.id))
                    if a.id not in held or (held[a.id] is None) != (a.reset_at is None)]
        self.plant.put(rows, "alarm")

    def _send_selftests(self) -> None:
        held = self.plant.held(self.station, "selftest")
        with self.records.db.session() as s:  # ids first: a run's summary is read once, when it is sent
            finished = s.scalars(select(SelftestRun.id).where(SelftestRun.status != "running"))
            missing = [run_id for run_id in finished if run_id not in held]
            runs = s.scalars(select(SelftestRun).where(SelftestRun.id.in_(missing)).order_by(SelftestRun.id)) \
                if missing else []
            rows = [{"station": self.station, "sequence": r.id, "kind": r.kind,
                     "status": shown_status(r.kind, r.status, r.summary or {}), "started_at": aware(r.started_at),
                     "finished_at": aware(r.finished_at) if r.finished_at else None,
                     "note": run_note(r.kind, r.summary or {}), "summary": json.dumps(r.summary or {})} for r in runs]
        self.plant.put(rows, "selftest")

    def _take_back_desk_decisions(self) -> int:
        """Record the desk's decisions on this station's frames here, as a reviewer's (so the prompts and banks
        learn from them and they go back to the plant as this station's reviews), and tell the desk what became
        of each. A frame decided here first keeps that decision."""
        recorded = 0
        for d in self.plant.desk_decisions(self.station):
            try:
                with self.records.db.transaction() as s:
                    outcome = _record_desk_decision(s, d, self.station, review.settings_answers(self.records))
            except StationError as e:  # not in the queue here, a class this station does not have, desk account off
                outcome = f"not recorded at {self.station}: {e}"
            recorded += outcome == "recorded"
            self.plant.desk_outcome(self.station, d["inspection"], outcome)
        return recorded


def _record_desk_decision(session, row: dict, station: str, settings: list) -> str:
    """"recorded" (now, or on an earlier pass whose answer did not reach the plant), or why not. What is recorded
    is what the desk signed, never the row's other columns."""
    decision = checked_decision(session, row, station)
    desk = auth.desk_account(session)
    done = session.scalar(select(Review).where(Review.inspection_id == decision["inspection"]))
    if done is not None:
        if done.reviewer_id == desk.id and done.label == decision["label"]:
            return "recorded"
        return f"decided at the station already, as {done.label}"
    note = f"plant desk, {decision['reviewer']}" + (f": {decision['note']}" if decision["note"] else "")
    review.decide(session, decision["inspection"], decision["label"], settings, desk, note=note)
    return "recorded"
