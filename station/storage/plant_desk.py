"""The central review desk's side of the plant database: every station's frames that wait for a person, claims
that keep two reviewers off one frame, and decisions that their stations take back.

A frame waits at the desk while its verdict is REVIEW, its station has not forwarded a decision on it, no desk
decision exists and no other reviewer holds an unexpired claim. A decision is stored only by the reviewer who
holds the frame's claim, once per frame (its key): two desks that press a key at the same moment cannot both win.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, tuple_

from .db import DatabaseError
from .plant import PlantDatabase, aware, plant_claim, plant_desk_decision, plant_inspection, plant_review, plant_station

CLAIM_S = 300  # a claim lasts this long unless renewed: a desk closed without releasing frees its frame by then
WAITING = "REVIEW"  # the verdict of a frame the checks could not settle (station.decision.REVIEW)


class DeskConflict(DatabaseError):
    """The frame is not this reviewer's to decide now: decided already, or another reviewer holds it."""


@dataclass(frozen=True)
class DeskFrame:
    station: str
    sequence: int
    created_at: datetime
    product: str
    reason: str
    label_a: str
    conf_a: float
    label_b: str
    conf_b: float
    image_sha256: str

    @property
    def key(self) -> tuple[str, int]:
        return self.station, self.sequence

    @property
    def after(self) -> tuple[datetime, str, int]:
        """Where the page after this frame starts (oldest first, then by station and number)."""
        return self.created_at, self.station, self.sequence


@dataclass(frozen=True)
class DeskClass:
    key: str
    name: str
    name_ja: str
    good: bool


def _now(conn) -> datetime:
    """The plant database's clock: claims expire at the same moment for every desk, whatever its own clock says."""
    found = conn.scalar(select(func.current_timestamp()))
    found = datetime.fromisoformat(found) if isinstance(found, str) else found
    return aware(found)


class PlantDesk:
    """The desk's reads and writes on the plant database, for `reviewer` (a user name, as decisions carry it)."""

    def __init__(self, plant: PlantDatabase, reviewer: str):
        self.plant, self.reviewer = plant, reviewer

    def _waiting(self, now: datetime, station: str | None, product: str | None, reason: str | None):
        i, r, d, c = plant_inspection, plant_review, plant_desk_decision, plant_claim
        same = lambda t, column: and_(t.c.station == i.c.station, column == i.c.sequence)  # noqa: E731
        query = select(i).where(
            i.c.verdict == WAITING,
            ~exists().where(same(r, r.c.inspection)),
            ~exists().where(same(d, d.c.inspection)),
            ~exists().where(same(c, c.c.inspection), c.c.reviewer != self.reviewer, c.c.expires_at > now))
        if station:
            query = query.where(i.c.station == station)
        if product:
            query = query.where(i.c.product == product)
        if reason:
            query = query.where(i.c.reason.contains(reason, autoescape=True))
        return query

    def page(self, station: str | None = None, product: str | None = None, reason: str | None = None,
             after: tuple[datetime, str, int] | None = None, limit: int = 50) -> list[DeskFrame]:
        """Waiting frames, oldest first; pass the last frame's `after` for the next page."""
        i = plant_inspection
        with self.plant.connected() as conn:
            query = self._waiting(_now(conn), station, product, reason)
            if after is not None:
                query = query.where(tuple_(i.c.created_at, i.c.station, i.c.sequence) > tuple_(*after))
            query = query.order_by(i.c.created_at, i.c.station, i.c.sequence).limit(limit)
            return [DeskFrame(r.station, r.sequence, aware(r.created_at), r.product, r.reason, r.label_a, r.conf_a,
                              r.label_b, r.conf_b, r.image_sha256) for r in conn.execute(query)]

    def waiting_count(self, station: str | None = None, product: str | None = None, reason: str | None = None,
                      limit: int = 1000) -> int:
        """How many wait, counted up to `limit` + 1 (above `limit`: "more than")."""
        with self.plant.connected() as conn:
            capped = self._waiting(_now(conn), station, product, reason).limit(limit + 1).subquery()
            return int(conn.scalar(select(func.count()).select_from(capped)))

    def choices(self) -> tuple[list[str], list[str]]:
        """The stations and the products the plant holds frames of, for the desk's filters."""
        i = plant_inspection
        with self.plant.connected() as conn:
            stations = list(conn.scalars(select(plant_station.c.station).order_by(plant_station.c.station)))
            products = list(conn.scalars(select(i.c.product).where(i.c.product != "").distinct().order_by(i.c.product)))
        return stations, products

    def classes(self, station: str, product: str = "") -> list[DeskClass]:
        """What a reviewer may answer for a frame of `station` judged by `product` ('name vN'; "": the station's
        settings), as the station last said; [] when it never said. A station of an earlier release said one list,
        without versions: that one then."""
        with self.plant.connected() as conn:
            found = conn.scalar(select(plant_station.c.classes).where(plant_station.c.station == station))
        said = json.loads(found or "[]")
        if any("product" in c for c in said):
            said = [c for c in said if c.get("product", "") == product]
        return [DeskClass(c["key"], c["name"], c.get("name_ja", ""), bool(c["good"])) for c in said]

    def claim(self, frame: tuple[str, int], seconds: float = CLAIM_S) -> bool:
        """Hold `frame` for this reviewer (or renew the hold); False when another reviewer holds it unexpired or
        it was decided meanwhile."""
        station, sequence = frame
        c = plant_claim
        with self.plant.connected(begin=True) as conn:
            now = _now(conn)
            statement = self.plant.insert(c).values(station=station, inspection=sequence, reviewer=self.reviewer,
                                                   expires_at=now + timedelta(seconds=seconds))
            statement = statement.on_conflict_do_update(
                index_elements=["station", "inspection"],
                set_={"reviewer": statement.excluded.reviewer, "expires_at": statement.excluded.expires_at},
                where=or_(c.c.reviewer == self.reviewer, c.c.expires_at <= now)).returning(c.c.reviewer)
            if conn.execute(statement).first() is None:  # held by another, unexpired
                return False
            return not self._decided(conn, station, sequence)

    def release(self, frame: tuple[str, int]) -> None:
        """Let others have `frame` again (skipped, or the desk closes)."""
        c = plant_claim
        with self.plant.connected(begin=True) as conn:
            conn.execute(delete(c).where(c.c.station == frame[0], c.c.inspection == frame[1],
                                         c.c.reviewer == self.reviewer))

    def decide(self, frame: tuple[str, int], label: str, good: bool, note: str, signed: dict) -> None:
        """Store this reviewer's decision on `frame`, which they must hold, with what the desk signed (`signed`:
        payload, signer, signature; station.desk_decisions); DeskConflict when it is not theirs (claimed by another,
        or decided at the desk or at its station meanwhile). The claim ends with it."""
        station, sequence = frame
        c, d = plant_claim, plant_desk_decision
        with self.plant.connected(begin=True) as conn:
            now = _now(conn)
            held = conn.execute(select(c.c.reviewer).where(
                c.c.station == station, c.c.inspection == sequence, c.c.expires_at > now).with_for_update()).first()
            if held is None or held.reviewer != self.reviewer:
                raise DeskConflict(f"frame #{sequence} of {station} is not held by {self.reviewer} (another reviewer "
                                   "has it, or the hold ran out): it was left as it is")
            if self._decided(conn, station, sequence):
                raise DeskConflict(f"frame #{sequence} of {station} was decided already; the queue moves on")
            conn.execute(self.plant.insert(d).values(
                station=station, inspection=sequence, label=label, good=good, note=note, reviewer=self.reviewer,
                decided_at=now, outcome="", image_sha256=json.loads(signed["payload"])["image_sha256"],
                payload=signed["payload"], signer=signed["signer"], signature=signed["signature"]))
            conn.execute(delete(c).where(c.c.station == station, c.c.inspection == sequence))

    @staticmethod
    def _decided(conn, station: str, sequence: int) -> bool:
        r, d = plant_review, plant_desk_decision
        return bool(conn.scalar(select(exists().where(r.c.station == station, r.c.inspection == sequence)))
                    or conn.scalar(select(exists().where(d.c.station == station, d.c.inspection == sequence))))

    def decisions(self, limit: int = 50) -> list[dict]:
        """The desk's newest decisions and what became of each at its station ("" while not taken back yet)."""
        d = plant_desk_decision
        with self.plant.connected() as conn:
            return [dict(r._mapping) for r in conn.execute(select(d).order_by(d.c.decided_at.desc()).limit(limit))]
