"""When each self-test is due, from the settings and the runs in the database; unattended runs of what is due.

A PRM run counts for the schedule only if its attack bit: a run that says nothing about the station does
not keep the schedule. A station that has never run a test is due from its first recorded event onwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import StationConfig
from ..storage.models import AuditEvent, SelftestRun, User
from .strength import run_is_ineffective
from ..errors import InvalidInput
from ..progress import QUIET, Progress

KINDS = {"prm": "attack test (PRM)", "backdoor": "backdoor probe"}
GRACE = timedelta(days=1)  # due for a day (a nightly timer's chance), then overdue
SCHEDULER = "scheduler"  # the actor of unattended runs; a manager's schedule setting authorises them


@dataclass(frozen=True)
class DueState:
    kind: str
    every_days: float  # 0: not scheduled
    last_run: datetime | None  # the last run that keeps the schedule
    next_due: datetime | None
    not_counted: int = 0  # finished attack tests since then that did not bite (they do not keep the schedule)

    def status(self, now: datetime) -> str:
        """'off', 'ok', 'due' or 'overdue'."""
        if not self.every_days or self.next_due is None:
            return "off"
        if now < self.next_due:
            return "ok"
        return "due" if now < self.next_due + GRACE else "overdue"

    def describe(self, now: datetime) -> str:
        name, status = KINDS[self.kind], self.status(now)
        if status == "off":
            return f"{name}: not scheduled"
        when = self.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
        last = self.last_run.astimezone().strftime("%Y-%m-%d") if self.last_run else "never"
        words = {"ok": f"next due {when}", "due": f"due since {when}", "overdue": f"OVERDUE since {when}"}[status]
        ignored = (f"; {self.not_counted} later run(s) did not bite and do not count" if self.not_counted else "")
        return f"{name}: {words} (every {self.every_days:g} days; last {last}{ignored})"


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=timezone.utc)


def schedule_state(session: Session, cfg: StationConfig) -> list[DueState]:
    start = _aware(session.scalar(select(AuditEvent.at).order_by(AuditEvent.id).limit(1))) or datetime.now(timezone.utc)
    states = []
    for kind, every in (("prm", cfg.schedule.prm_every_days), ("backdoor", cfg.schedule.backdoor_every_days)):
        runs = session.scalars(select(SelftestRun).where(SelftestRun.kind == kind, SelftestRun.status == "done")
                               .order_by(SelftestRun.id.desc()).limit(50))
        last, not_counted = None, 0
        for r in runs:
            if kind == "prm" and run_is_ineffective(r.summary or {}):
                not_counted += 1
                continue
            last = _aware(r.finished_at)
            break
        next_due = (last or start) + timedelta(days=every) if every else None
        states.append(DueState(kind, every, last, next_due, not_counted))
    return states


def schedule_summary(session: Session, cfg: StationConfig, now: datetime | None = None) -> tuple[list[str], str]:
    """One line per test for people, and the most urgent status: 'off', 'ok', 'due' or 'overdue'."""
    now = now or datetime.now(timezone.utc)
    states = schedule_state(session, cfg)
    return [s.describe(now) for s in states], most_urgent(states, now)


def most_urgent(states: list[DueState], now: datetime) -> str:
    order = ["off", "ok", "due", "overdue"]
    return max((s.status(now) for s in states), key=order.index, default="off")


def station_schedule(station) -> tuple[list[DueState], str]:
    """Each self-test's DueState (for a screen to word in its language) and the most urgent status, now."""
    with station.db.session() as s:
        states = schedule_state(s, station.config)
    return states, most_urgent(states, datetime.now(timezone.utc))


def due_kinds(session: Session, cfg: StationConfig, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(timezone.utc)
    return [s.kind for s in schedule_state(session, cfg) if s.status(now) in ("due", "overdue")]


def scheduler_user() -> User:
    """Unattended runs act as the scheduler (never stored): the schedule a manager set is their authority."""
    return User(id=None, username=SCHEDULER, role="manager", active=True, password_hash="!")


DEFAULT_IMAGES = {"prm": 16, "backdoor": 30}  # reference frames of a scheduled run of each


def run_due(station, kinds: list[str], user: User | None = None, images: int | None = None,
            progress: Progress = QUIET) -> dict[str, int]:
    """Runs each of `kinds` with the default settings on `images` reference parts (None: DEFAULT_IMAGES) of the
    live product, else generated, else reviewed; returns {kind: run id}."""
    from . import reference as refs
    from .backdoor_probe import run_backdoor_probe
    from .prm_runner import PrmRunSettings, run_prm_selftest

    user = user or scheduler_user()
    runs = {}
    for kind in kinds:
        count = images or DEFAULT_IMAGES[kind]
        if station.product is not None:  # the live product's own held-out photos, sealed with it
            frames = refs.product_held_out(station, count)
        else:
            try:
                frames = refs.generated(station, count)
            except ValueError:  # the station's classes are not generated parts: its own reviewed frames
                frames = refs.reviewed(station, count)
        if len(frames) < 2:
            raise InvalidInput(f"the {KINDS[kind]} needs reference frames: review some parts first ({len(frames)} so far)")
        if kind == "prm":
            runs[kind] = run_prm_selftest(station, frames, PrmRunSettings(), user, progress=progress)
        else:
            runs[kind] = run_backdoor_probe(station, frames, user, progress=progress)
    return runs


def schedule_kept(session: Session, run: SelftestRun, every_days: float) -> str:
    """For a report: was `run` on time, measured from the run before it that kept the schedule?"""
    if not every_days:
        return f"{KINDS.get(run.kind, run.kind)} is not scheduled on this station"
    earlier = session.scalars(select(SelftestRun).where(SelftestRun.kind == run.kind, SelftestRun.status == "done",
                                                        SelftestRun.id < run.id).order_by(SelftestRun.id.desc()).limit(50))
    prev = next((r for r in earlier if not (r.kind == "prm" and run_is_ineffective(r.summary or {}))), None)
    start = _aware(prev.finished_at) if prev else _aware(session.scalar(select(AuditEvent.at).order_by(AuditEvent.id).limit(1)))
    due = start + timedelta(days=every_days)
    started = _aware(run.started_at)
    who = "unattended (scheduler)" if run.started_by is None else "started by a manager"
    if started <= due + GRACE:
        return f"every {every_days:g} days; due by {due:%Y-%m-%d}; this run ({who}) kept the schedule"
    late = (started - due).days
    return f"every {every_days:g} days; due by {due:%Y-%m-%d}; this run ({who}) came {late} day(s) late"
