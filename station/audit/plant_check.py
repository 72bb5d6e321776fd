"""`station audit verify --plant`: every station's audit trail as the plant holds it, each checked alone.

Per station: the events form one unbroken chain from its first (each points at the one before and its content
gives its hash), and every frame and decision the plant holds of it, up to the newest one its forwarded trail
seals, is sealed in that trail. What cannot be checked at the plant is said, not skipped silently: the MACs (each
station's key never leaves it: `station audit verify` at the station checks them) and frames newer than the trail
sent so far.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select

from ..storage.plant import PlantDatabase, aware, plant_audit, plant_inspection, plant_review
from . import chain
from .seals import content_matches

MAX_FINDINGS = 50
_CHUNK = 2000


@dataclass
class StationTrail:
    station: str
    events: int = 0
    sealed_frames: int = 0  # frames the plant holds that the trail seals
    newer_frames: int = 0  # frames after the newest the forwarded trail seals (their seals are on their way)
    findings: list[str] = field(default_factory=list)
    more: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, problem: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(problem)
        else:
            self.more += 1


def verify_plant(plant: PlantDatabase) -> list[StationTrail]:
    """Each station's trail at the plant (stations with frames but no trail are reported too)."""
    a, i = plant_audit, plant_inspection
    with plant.connected() as c:
        names = sorted(set(c.scalars(select(a.c.station).distinct())) | set(c.scalars(select(i.c.station).distinct())))
    return [_verify_station(plant, name) for name in names]


def _verify_station(plant: PlantDatabase, station: str) -> StationTrail:
    a = plant_audit
    trail, prev, expected = StationTrail(station), chain.GENESIS, 1
    with plant.connected() as c:
        after = 0
        while True:
            rows = c.execute(select(a).where(a.c.station == station, a.c.sequence > after).order_by(a.c.sequence)
                             .limit(_CHUNK)).all()
            for e in rows:
                trail.events += 1
                where = f"event {e.sequence}"
                if e.sequence != expected:
                    trail.add(f"events {expected}-{e.sequence - 1} are missing (removed at the plant?)")
                if e.prev_hash != prev:
                    trail.add(f"{where} does not point at the event before it (an event was removed, inserted or "
                              "rewritten)")
                record = (e.record_table, e.record_id, e.record_digest or "") if e.record_table is not None else None
                try:
                    detail = json.loads(e.detail)
                except (TypeError, ValueError):
                    detail = None
                if detail is None or e.hash != chain.event_hash(e.prev_hash, e.at, e.actor, e.action, detail, record):
                    trail.add(f"{where}: content does not match its hash (the event '{e.action}' was edited)")
                prev, expected = e.hash, e.sequence + 1
            if len(rows) < _CHUNK:
                break
            after = rows[-1].sequence
        for table, name in ((plant_inspection, "inspection"), (plant_review, "review")):
            _check_sealed(c, trail, station, table, name)
    if trail.events == 0 and trail.newer_frames:
        trail.add(f"{trail.newer_frames} frames at the plant but no audit trail of this station: its trail was "
                  "removed at the plant, or the station forwards with an older version")
    return trail


def _check_sealed(c, trail: StationTrail, station: str, table, name: str) -> None:
    """Every row of `table` the trail could already seal is sealed by an event of this station's trail, with the
    digest of exactly the content the row carries, and the row's own columns say what that content says."""
    a = plant_audit
    newest = c.scalar(select(func.max(a.c.record_id)).where(a.c.station == station, a.c.record_table == name)) or 0
    mine = and_(table.c.station == station, table.c.sequence <= newest)
    checked, after = 0, -1
    while True:
        rows = c.execute(select(table).where(mine, table.c.sequence > after).order_by(table.c.sequence)
                         .limit(_CHUNK)).all()
        if not rows:
            break
        lo, hi = rows[0].sequence, rows[-1].sequence
        seals = select(a.c.record_id, a.c.record_digest).where(
            a.c.station == station, a.c.record_table == name, a.c.record_id.between(lo, hi))
        digests = dict(c.execute(seals.order_by(a.c.sequence)).all())  # later seals overwrite: each row's newest
        for row in rows:
            checked += 1
            problem = _row_problem(name, row, digests.get(row.sequence))
            if problem:
                trail.add(f"{name} {row.sequence} at the plant {problem}")
        after = hi
    if name == "inspection":
        trail.sealed_frames = checked
        trail.newer_frames = c.scalar(select(func.count()).select_from(table).where(
            table.c.station == station, table.c.sequence > newest)) or 0


# what the plant's own columns must say of the sealed content: plant column -> its key in the content
_VISIBLE = {
    "inspection": {"verdict": "verdict", "label_a": "label_a", "label_b": "label_b", "image_sha256": "image_sha256",
                   "width": "width", "height": "height", "source": "source", "conf_a": "conf_a", "conf_b": "conf_b",
                   "manual_mode": "manual_mode", "reason": "reason", "origin": "origin", "created_at": "created_at"},
    "review": {"inspection": "inspection_id", "label": "label", "good": "good", "note": "note",
               "decided_at": "decided_at"},
}


def _row_problem(name: str, row, sealed_digest: str | None) -> str:
    """Why the plant's row is not the one the station sealed ("" when it is)."""
    if sealed_digest is None:
        return "is not sealed in the station's trail (added at the plant, not by the station)"
    try:
        content = json.loads(row.sealed)
    except (TypeError, ValueError):
        return "carries no readable sealed content"
    if not isinstance(content, dict) or not content_matches(name, content, sealed_digest):
        return "is not what the station sealed (its sealed content was changed)"
    for column, key in _VISIBLE[name].items():
        if _as_sealed(getattr(row, column)) != _as_sealed(content.get(key)):
            return f"says {column} = {getattr(row, column)!r}, but the station sealed {content.get(key)!r}"
    return ""


def _as_sealed(value):
    """A value as seals write it (floats as their repr, times as UTC text; None and "" alike, as the forwarder
    sends an empty reason or note as "")."""
    if isinstance(value, bool) or value is None:
        return value if value is not None else ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return chain._utc_naive(aware(value))
    return value
