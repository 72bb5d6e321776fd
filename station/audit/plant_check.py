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

from sqlalchemy import and_, exists, func, select

from ..storage.plant import PlantDatabase, plant_audit, plant_inspection, plant_review
from . import chain

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
                if e.hash != chain.event_hash(e.prev_hash, e.at, e.actor, e.action, json.loads(e.detail), record):
                    trail.add(f"{where}: content does not match its hash (the event '{e.action}' was edited)")
                prev, expected = e.hash, e.sequence + 1
            if len(rows) < _CHUNK:
                break
            after = rows[-1].sequence
        for table, name in ((plant_inspection, "inspection"), (plant_review, "review")):
            _check_sealed(c, trail, station, table, name)
    return trail


def _check_sealed(c, trail: StationTrail, station: str, table, name: str) -> None:
    """Every row of `table` the trail could already seal is sealed by an event of this station's trail."""
    a = plant_audit
    newest = c.scalar(select(func.max(a.c.record_id)).where(a.c.station == station, a.c.record_table == name)) or 0
    sealed = exists().where(a.c.station == station, a.c.record_table == name, a.c.record_id == table.c.sequence)
    mine = and_(table.c.station == station, table.c.sequence <= newest)
    unsealed = list(c.scalars(select(table.c.sequence).where(mine, ~sealed).order_by(table.c.sequence).limit(10)))
    count = c.scalar(select(func.count()).select_from(table).where(mine)) or 0
    if name == "inspection":
        trail.sealed_frames = count - len(unsealed)
        trail.newer_frames = c.scalar(select(func.count()).select_from(table).where(
            table.c.station == station, table.c.sequence > newest)) or 0
    if unsealed:
        trail.add(f"{name} {', '.join(map(str, unsealed))}{' ...' if len(unsealed) == 10 else ''} at the plant "
                  "is not sealed in the station's trail (added at the plant, not by the station)")
