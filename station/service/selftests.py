"""Self-tests for the GUI and the CLI: run one (one job at a time), read the history, export a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select

from ..auth import User, acting, require
from ..progress import QUIET, Announced, Progress
from ..selftest.choices import (  # noqa: F401  (re-exported: what the window builds and checks)
    INVERSION_VARIANT, InversionSettings, PrmRunSettings, StrengthError, parse_strengths,
)
from ..selftest.strength import (  # noqa: F401  (re-exported for the window and the command line)
    INEFFECTIVE_TEXT, NOT_INDEPENDENT_TEXT, run_is_ineffective, run_note, shown_status, strength_line,
)
from ..selftest.wording import inversion_line, station_line  # noqa: F401
from ..storage.models import SelftestResult, SelftestRun
from ..errors import InvalidInput
from ..jobs import Job

SELFTEST_JOB = Job.SELFTEST


class SelftestKind(StrEnum):
    PRM = "prm"
    BACKDOOR = "backdoor"


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"
    INEFFECTIVE = "attack ineffective"  # a finished PRM run whose attack barely moved check A

    @classmethod
    def of(cls, run: SelftestRun) -> RunStatus:
        try:
            return cls(shown_status(run.kind, run.status, run.summary or {}))
        except ValueError:
            return cls.FAILED


@dataclass(frozen=True)
class RunSummary:
    id: int
    kind: str  # a SelftestKind value (or an older kind this version does not know)
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    prompt_set_id: int | None = None  # the prompt set live while it ran
    parameters: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)

    @property
    def ineffective(self) -> bool:
        return self.status is RunStatus.INEFFECTIVE


@dataclass(frozen=True)
class ResultLine:
    id: int
    item: str
    true_label: str
    variant: str
    outcome: str
    image_path: str | None
    details: dict = field(default_factory=dict)


def _summary(run: SelftestRun) -> RunSummary:
    return RunSummary(run.id, run.kind, RunStatus.of(run), run.started_at, run.finished_at, run.prompt_set_id,
                      dict(run.params or {}), dict(run.summary or {}))


def history(db, limit: int = 200) -> list[RunSummary]:
    """Newest first (needs only the database)."""
    with db.session() as s:
        return [_summary(r) for r in s.scalars(select(SelftestRun).order_by(SelftestRun.id.desc()).limit(limit))]


def results(db, run_id: int, limit: int = 2000) -> list[ResultLine]:
    with db.session() as s:
        rows = s.scalars(select(SelftestResult).where(SelftestResult.run_id == run_id)
                         .order_by(SelftestResult.id).limit(limit))
        return [ResultLine(r.id, r.item, r.true_label, r.variant, r.outcome, r.image_path, dict(r.details or {}))
                for r in rows]


def export_report(station, run_id: int, path: Path | str) -> Path:
    from ..selftest.report import write_report

    with station.db.session() as s:
        return write_report(s, station.images, run_id, path, station.config)


def schedule(station):
    """When each self-test is due (a DueState per kind, for a screen to word in its language) and the most urgent
    status: 'off', 'ok', 'due' or 'overdue'."""
    from ..selftest.schedule import station_schedule

    return station_schedule(station)


class ReferenceKind(StrEnum):
    GENERATED = "generated"  # the demo generator's parts (a demo station)
    REVIEWS = "reviews"  # frames people decided in the review queue
    FOLDER = "folder"  # a folder of labelled images (one sub-folder per class)
    PRODUCT = "product"  # the live product's held-out photos (sealed with it, never trained on)


def reference_frames(station, kind: ReferenceKind | str, count: int, folder: Path | str | None = None,
                     seed: int = 4242) -> list:
    """The frames a self-test attacks or probes (reads the database or the disk: call it off the GUI thread)."""
    from ..selftest import reference as refs

    kind = ReferenceKind(kind)
    if kind is ReferenceKind.GENERATED:
        return refs.generated(station, count, seed=seed)
    if kind is ReferenceKind.REVIEWS:
        return refs.reviewed(station, count)
    if kind is ReferenceKind.PRODUCT:
        if station.product is None:
            raise InvalidInput("no product is live, so there are no held-out photos of one: choose other parts, or "
                               "make a product live first")
        return refs.product_held_out(station, count)
    return refs.labelled_folder(station, folder, count)


def stored_outcome(db, run_id: int) -> tuple[str, dict]:
    """A run's status as the database keeps it ('done' also for an ineffective attack) and its summary."""
    with db.session() as s:
        run = s.get(SelftestRun, run_id)
        return run.status, dict(run.summary or {})


def due_now(records) -> tuple[list, list[str], datetime]:
    """Each self-test's DueState, the kinds due or overdue now, and that moment."""
    from datetime import timezone

    now = datetime.now(timezone.utc)
    states, _ = schedule(records)
    return states, [st.kind for st in states if st.status(now) in ("due", "overdue")], now


def run_due(station, kinds: list[str], user: User | None, images: int | None = None,
            progress: Progress = QUIET) -> dict[str, int]:
    """Run the due `kinds` on default settings, as `user` or (None) unattended as the scheduler, on `images`
    reference frames each (None: each test's default); {kind: run id}."""
    from ..selftest.schedule import run_due as run

    with station.jobs.running(SELFTEST_JOB):
        return run(station, kinds, user, images, progress=progress)


def _checked(station, user: User | None) -> None:
    with station.db.session() as s:  # before a model is touched: the role the database has now
        require(acting(s, user), "selftest.run")


def run_prm(station, user: User | None, reference, settings, progress: Progress = QUIET) -> int:
    """The PRM attack self-test; returns the run's id (also when cancelled: its status says so)."""
    from ..selftest.prm_runner import run_prm_selftest

    _checked(station, user)
    shown = Announced(progress, station.events, SelftestKind.PRM)
    with station.jobs.running(SELFTEST_JOB):
        return run_prm_selftest(station, reference, settings, user, progress=shown)


def run_probe(station, user: User | None, reference, inversion=None, progress: Progress = QUIET) -> int:
    """The backdoor probe (with trigger inversion when `inversion` settings are given); returns the run's id."""
    from ..selftest.backdoor_probe import run_backdoor_probe

    _checked(station, user)
    shown = Announced(progress, station.events, SelftestKind.BACKDOOR)
    with station.jobs.running(SELFTEST_JOB):
        return run_backdoor_probe(station, reference, user, progress=shown, inversion=inversion)
