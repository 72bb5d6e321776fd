"""The review queue: frames the checks could not settle, decided by a person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .auth import require
from .decision import REVIEW
from .storage.models import Inspection, Review, ReviewWaiting, User
from .errors import StationError
from .messages import Message


NO_PART_LABEL = "no-part"  # a reviewer's answer for an empty fixture, half a part or something else in view

# The queue is counted up to this many and no further: past it, only "more than COUNT_LIMIT" is known. Counting
# every waiting row grew with the queue (0.2 ms at 1,000, 6.7 ms at 100,000: bench/review_queue.py); a count
# that stops at COUNT_LIMIT + 1 costs the same however long the queue is, with no counter row that every
# station's commit would have to update when many share one PostgreSQL database.
COUNT_LIMIT = 1_000


class ReviewError(StationError):
    """The inspection cannot be decided as asked (unknown, not in the queue, decided already)."""


def _pending(after_id: int = 0):
    """Waiting frames, oldest first: the rows of review_waiting (the database's triggers keep it), each checked
    again as still REVIEW and undecided, so a stray queue row can never show a decided frame. The verdict is
    compared through coalesce() so that no planner walks the verdict index, which holds every decided frame
    too, instead of the queue (SQLite did: 50 ms a page after 100,000 decided frames)."""
    return (
        select(Inspection)
        .join(ReviewWaiting, ReviewWaiting.inspection_id == Inspection.id)
        .outerjoin(Review, Review.inspection_id == Inspection.id)
        .where(ReviewWaiting.inspection_id > after_id, func.coalesce(Inspection.verdict, "") == REVIEW,
               Review.id.is_(None))
        .order_by(ReviewWaiting.inspection_id)
    )


def pending_count(session: Session, limit: int = COUNT_LIMIT) -> int:
    """How many frames wait, counted up to `limit` + 1 at most: a result above `limit` means "more than `limit`"."""
    capped = select(ReviewWaiting.inspection_id).limit(limit + 1).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


def queue_page(session: Session, after_id: int = 0, limit: int = 50) -> list[Inspection]:
    """Oldest first; pass the last id of a page to get the next (keyset paging stays fast on large tables)."""
    return list(session.scalars(_pending(after_id).limit(limit)))


def get_inspection(session: Session, inspection_id: int) -> Inspection:
    row = session.get(Inspection, inspection_id)
    if row is None:
        raise ReviewError(Message("review.no_such_part", id=inspection_id))
    return row


@dataclass(frozen=True)
class ClassChoice:
    key: str
    good: bool


def decide(session: Session, inspection_id: int, label: str, classes: dict[str, bool], reviewer: User | None,
           note: str = "") -> Review:
    """Record the reviewer's true class for one queued frame, audited, in the caller's transaction."""
    require(reviewer, "review")
    classes = {**classes, NO_PART_LABEL: False}  # not a class: the frame showed no whole part of this station's
    if label not in classes:
        raise ReviewError(Message("review.unknown_class", label=label, classes=", ".join(classes)))
    row = get_inspection(session, inspection_id)
    if row.verdict != REVIEW:
        raise ReviewError(Message("review.decided_automatically", id=inspection_id, verdict=row.verdict))
    if session.scalar(select(Review).where(Review.inspection_id == inspection_id)):
        raise ReviewError(Message("review.reviewed_already", id=inspection_id))
    review = Review(inspection_id=inspection_id, label=label, good=classes[label], note=note, reviewer_id=reviewer.id)
    session.add(review)
    session.flush()
    audit.record(session, reviewer.username, "review.decide", inspection=inspection_id, label=label,
                 good=classes[label], check_a=row.label_a, check_b=row.label_b, note=note)
    return review


def history(session: Session, limit: int = 20, before_id: int | None = None) -> list[Inspection]:
    q = select(Inspection).order_by(Inspection.id.desc()).limit(limit)
    if before_id:
        q = q.where(Inspection.id < before_id)
    return list(session.scalars(q))


def verdict_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Inspection.verdict, func.count()).group_by(Inspection.verdict))
    return {v: n for v, n in rows}
