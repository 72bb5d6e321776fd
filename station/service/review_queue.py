"""The review queue for the GUI and the CLI: pages of undecided frames, and a reviewer's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import review
from ..review import NO_PART_LABEL, ReviewError  # noqa: F401  (re-exported for the window)
from ..auth import User, acting


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


def queue_page(station, after_id: int = 0, limit: int = 50) -> tuple[list[QueuedFrame], int]:
    """One keyset page of the queue (oldest first, after `after_id`) and how many frames wait in all."""
    with station.db.session() as s:
        rows = review.queue_page(s, after_id=after_id, limit=limit)
        pending = review.pending_count(s)
        return [QueuedFrame(r.id, r.created_at, r.label_a, r.conf_a, r.label_b, r.conf_b, r.reason,
                            station.images.path_of(r.image_path)) for r in rows], pending


def decide(station, user: User | None, inspection_id: int, class_key: str, note: str = "") -> None:
    """Record the reviewer's true class (or `review.NO_PART_LABEL`), audited; ReviewError if it cannot be."""
    with station.db.transaction() as s:
        review.decide(s, inspection_id, class_key, station.good, acting(s, user), note=note)


def pending(station) -> int:
    """How many frames wait for a person."""
    with station.db.session() as s:
        return review.pending_count(s)
