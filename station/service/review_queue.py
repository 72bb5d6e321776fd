"""The review queue for the GUI and the CLI: pages of undecided frames, and a reviewer's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import review
# re-exported for the window
from ..review import COUNT_LIMIT, NO_PART_LABEL, Answer, ReviewError, live_answers, settings_answers  # noqa: F401
from ..auth import User, acting


@dataclass(frozen=True)
class QueueLength:
    """How many frames wait: exact up to `COUNT_LIMIT`; past it, counting stopped and only a lower bound is
    known (`more`: more than `count` wait, and `count` is the limit)."""
    count: int
    more: bool = False

    @classmethod
    def of(cls, session) -> QueueLength:
        """Counted by `review.pending_count`, which stops at COUNT_LIMIT + 1."""
        n = review.pending_count(session, COUNT_LIMIT)
        return cls(COUNT_LIMIT, True) if n > COUNT_LIMIT else cls(n)

    def less_one(self) -> QueueLength:
        """After one decision: one fewer when exact; "more than the limit" stays so until the next count (it is
        not known how far past the limit the queue was)."""
        return self if self.more else QueueLength(max(0, self.count - 1))


@dataclass(frozen=True)
class QueuedFrame:
    id: int
    at: datetime
    label_a: str
    conf_a: float
    label_b: str
    conf_b: float
    reason: str
    image: Path  # the stored frame
    answers: tuple[Answer, ...]  # what a reviewer may answer: the classes of the product version that judged it


def queue_page(station, after_id: int = 0, limit: int = 50) -> tuple[list[QueuedFrame], QueueLength]:
    """One keyset page of the queue (oldest first, after `after_id`) and how many frames wait in all."""
    with station.db.session() as s:
        rows = review.queue_page(s, after_id=after_id, limit=limit)
        pending = QueueLength.of(s)
        answers = review.Answers.of_station(s, station)
        return [QueuedFrame(r.id, r.created_at, r.label_a, r.conf_a, r.label_b, r.conf_b, r.reason,
                            station.images.path_of(r.image_path), answers(r)) for r in rows], pending


def decide(station, user: User | None, inspection_id: int, class_key: str, note: str = "") -> bool:
    """Record the reviewer's true class (or `review.NO_PART_LABEL`), one of those the frame was judged with,
    audited; whether that class is good. ReviewError if it cannot be."""
    with station.db.transaction() as s:
        return review.decide(s, inspection_id, class_key, settings_answers(station), acting(s, user), note=note).good


def pending(station) -> QueueLength:
    """How many frames wait for a person (up to the count's limit)."""
    with station.db.session() as s:
        return QueueLength.of(s)


@dataclass(frozen=True)
class InspectionLine:
    """One recorded inspection as a command shows it (and its JSON)."""
    id: int
    at: datetime
    verdict: str
    reason: str
    label_a: str
    conf_a: float
    label_b: str
    conf_b: float
    latency_ms: float
    image: str  # as stored, relative to the image folder
    source: str
    origin: str
    manual_mode: bool
    review_label: str | None  # a reviewer's decision, if any
    review_note: str | None
    product: str | None  # 'name vN': the product version that judged it; None: the settings' classes

    def as_dict(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "product": self.product, "verdict": self.verdict,
                "reason": self.reason,
                "label_a": self.label_a, "conf_a": round(self.conf_a, 4), "label_b": self.label_b,
                "conf_b": round(self.conf_b, 4), "latency_ms": round(self.latency_ms, 2), "image": self.image,
                "source": self.source, "origin": self.origin, "manual_mode": self.manual_mode,
                "review": ({"label": self.review_label, "note": self.review_note}
                           if self.review_label is not None else None)}


def _line(session, row) -> InspectionLine:
    decided = row.review
    return InspectionLine(row.id, row.created_at, row.verdict, row.reason, row.label_a, row.conf_a, row.label_b,
                          row.conf_b, row.latency_ms, row.image_path, row.source, row.origin, row.manual_mode,
                          decided.label if decided else None, decided.note if decided else None,
                          review.product_label(session, row))


def history(records, limit: int = 20) -> tuple[list[InspectionLine], dict[str, int]]:
    """The newest inspections, and how many of each verdict there are in all."""
    with records.db.session() as s:
        return [_line(s, r) for r in review.history(s, limit)], review.verdict_counts(s)


def waiting(records, after_id: int = 0, limit: int = 50) -> tuple[list[InspectionLine], QueueLength]:
    """One keyset page of the queue as inspections (oldest first, after `after_id`), and how many wait in all."""
    with records.db.session() as s:
        return ([_line(s, r) for r in review.queue_page(s, after_id=after_id, limit=limit)],
                QueueLength.of(s))


def inspection(records, inspection_id: int) -> tuple[InspectionLine, Path, tuple[Answer, ...]]:
    """One inspection, where its stored frame is and what a reviewer may answer for it; ReviewError naming an id
    that does not exist."""
    with records.db.session() as s:
        row = review.get_inspection(s, inspection_id)
        return _line(s, row), records.images.path_of(row.image_path), review.Answers.of_station(s, records)(row)
