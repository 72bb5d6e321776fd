"""The review queue: frames the checks could not settle, decided by a person."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .auth import require
from .decision import REVIEW
from .storage.models import Inspection, Product, Review, ReviewWaiting, User
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
class Answer:
    """A class a reviewer may name for a frame."""
    key: str
    name: str
    name_ja: str
    good: bool


def settings_answers(records) -> list[Answer]:
    """The station settings' own classes (not a live product's), for frames judged without a product. `records`:
    the Station or its StationRecords."""
    cfg = records.own_config or records.config
    return [Answer(c.key, c.name, c.name_ja, c.good) for c in cfg.classes]


def live_answers(records) -> list[Answer]:
    """What a reviewer may answer for frames judged now: every class of the live product, else the settings'."""
    product = records.product
    if product is None:
        return settings_answers(records)
    return [Answer(c.key, c.name, c.name_ja, c.good) for c in _learned_first(product.spec.classes)]


def _learned_first(classes: list):
    """The classes the checks learned first, in their order (their number keys as before such a class existed),
    then those too rare to learn."""
    return sorted(classes, key=lambda c: not (c.get("learned", True) if isinstance(c, dict) else c.learned))


class Answers:
    """What a reviewer may answer for each frame: every class of the product version that judged it (a defect kind
    too rare for the checks to learn included: the reviewers' answers are how its photos are gathered), or, for a
    frame judged without a product, the station settings' own classes. A frame judged before a changeover keeps
    its product's classes. Each product's are read once."""

    def __init__(self, session: Session, settings: list[Answer], data_dir: Path | None = None):
        self.session, self.settings, self.data_dir = session, tuple(settings), data_dir
        self._of_product: dict[int, tuple[Answer, ...]] = {}

    @classmethod
    def of_station(cls, session: Session, records) -> Answers:
        """For the frames of `records` (the Station or its StationRecords): its settings' classes, its data folder."""
        return cls(session, settings_answers(records), records.data_dir)

    def __call__(self, row: Inspection) -> tuple[Answer, ...]:
        return self.settings if row.product_id is None else self.of_product(row.product_id)

    def of_product(self, product_id: int) -> tuple[Answer, ...]:
        if product_id not in self._of_product:
            product = self.session.get(Product, product_id)
            classes = (product.spec or {}).get("classes", []) if product is not None else []
            names = self._names_on_disk(product) if any("name" not in c for c in classes) else {}
            self._of_product[product_id] = tuple(
                Answer(c["key"], c.get("name") or names.get(c["key"], ("", ""))[0] or c["key"],
                       c.get("name_ja") or names.get(c["key"], ("", ""))[1], bool(c["good"]))
                for c in _learned_first(classes)) or self.settings
        return self._of_product[product_id]

    def by_version(self) -> dict[str, tuple[Answer, ...]]:
        """Every version's answers by its label ('name vN'), and the settings' under "": what the plant's desk
        offers for a frame, by the version its station says judged it."""
        versions = self.session.scalars(select(Product).order_by(Product.id))
        return {"": self.settings, **{p.label: self.of_product(p.id) for p in versions}}

    def _names_on_disk(self, product: Product) -> dict[str, tuple[str, str]]:
        """A version recorded before its row kept its classes' names: the names its own product.json gives."""
        import json

        from .products.store import SPEC_NAME

        if self.data_dir is None:
            return {}
        try:
            spec = json.loads((Path(self.data_dir) / product.path / SPEC_NAME).read_text(encoding="utf-8"))
            return {c["key"]: (c.get("name", ""), c.get("name_ja", "")) for c in spec.get("classes", [])}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # gone or damaged: the keys then
            return {}


def decide(session: Session, inspection_id: int, label: str, settings: list[Answer], reviewer: User | None,
           note: str = "") -> Review:
    """Record the reviewer's true class for one queued frame, audited, in the caller's transaction. The classes
    are those the frame was judged with (`Answers`); `settings`: the station settings' own."""
    require(reviewer, "review")
    row = get_inspection(session, inspection_id)
    classes = {a.key: a.good for a in Answers(session, settings)(row)}
    classes[NO_PART_LABEL] = False  # not a class: the frame showed no whole part of this station's
    if label not in classes:
        raise ReviewError(Message("review.unknown_class", label=label, classes=", ".join(classes)))
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


def product_label(session: Session, row: Inspection) -> str | None:
    """'name vN' of the product version that judged the frame; None for one judged by the settings' classes."""
    if row.product_id is None:
        return None
    product = session.get(Product, row.product_id)
    return product.label if product is not None else None


def history(session: Session, limit: int = 20, before_id: int | None = None) -> list[Inspection]:
    q = select(Inspection).order_by(Inspection.id.desc()).limit(limit)
    if before_id:
        q = q.where(Inspection.id < before_id)
    return list(session.scalars(q))


def verdict_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Inspection.verdict, func.count()).group_by(Inspection.verdict))
    return {v: n for v, n in rows}
