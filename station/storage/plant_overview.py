"""The plant overview: per station and product over the last hours, parts per hour, the share sent to review,
defects a check passed that a reviewer found, alarms, and each station's self-tests (due, last result), as
figures and hourly trends. Every figure is counted by the database (grouped), never by reading rows one by one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Integer, and_, case, func, select

from .plant import PlantDatabase, aware, plant_alarm, plant_inspection, plant_review, plant_selftest, plant_station

WAITING = "REVIEW"


@dataclass(frozen=True)
class LineFigures:
    station: str
    product: str  # "" for a station inspecting with its settings' own classes
    parts: int
    per_hour: float
    review_share: float
    caught_by_review: int  # reviewed defective although a check had called it good: what one check let through


@dataclass(frozen=True)
class StationStanding:
    station: str
    seen_at: datetime | None  # the last time its forwarder reached the plant
    backlog: int | None  # frames it had not sent then
    selftests_status: str  # "off", "ok", "due" or "overdue" (the most urgent of its self-tests)
    selftests: list = field(default_factory=list)  # per kind: status, next_due, as it said
    last_runs: dict = field(default_factory=dict)  # kind -> {"status", "note", "finished_at"}
    alarms: int = 0  # raised in the period
    alarm_open: bool = False  # one no manager has reset: the station runs in manual mode


def _since(hours: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(hours=hours)


def figures(plant: PlantDatabase, hours: float = 24.0) -> list[LineFigures]:
    """Per station and product, over the last `hours`."""
    i, r = plant_inspection, plant_review
    since = _since(hours)
    counted = (select(i.c.station, i.c.product, func.count(),
                      func.sum(case((i.c.verdict == WAITING, 1), else_=0)).cast(Integer))
               .where(i.c.created_at >= since).group_by(i.c.station, i.c.product))
    defective = (select(i.c.station, i.c.product, i.c.label_a, i.c.label_b, func.count())
                 .join(r, and_(r.c.station == i.c.station, r.c.inspection == i.c.sequence))
                 .where(i.c.created_at >= since, r.c.good.is_(False))
                 .group_by(i.c.station, i.c.product, i.c.label_a, i.c.label_b))
    with plant.connected() as c:
        rows = c.execute(counted).all()
        caught_rows = c.execute(defective).all()
        good = {s: {k["key"] for k in json.loads(classes) if k["good"]}
                for s, classes in c.execute(select(plant_station.c.station, plant_station.c.classes))}
    caught: dict[tuple[str, str], int] = defaultdict(int)
    for station, product, label_a, label_b, n in caught_rows:
        if label_a in good.get(station, ()) or label_b in good.get(station, ()):
            caught[station, product] += n
    return [LineFigures(station, product, parts, parts / hours, (review or 0) / parts if parts else 0.0,
                        caught[station, product])
            for station, product, parts, review in sorted(rows)]


def standings(plant: PlantDatabase, hours: float = 24.0) -> list[StationStanding]:
    """Each station the plant has heard of: when, its backlog, its self-tests and alarms."""
    a, t = plant_alarm, plant_selftest
    since = _since(hours)
    newest = (select(t.c.station, t.c.kind, func.max(t.c.sequence).label("sequence"))
              .group_by(t.c.station, t.c.kind).subquery())
    with plant.connected() as c:
        stations = c.execute(select(plant_station).order_by(plant_station.c.station)).all()
        alarms = {s: (n, open_ or 0) for s, n, open_ in c.execute(
            select(a.c.station, func.count(), func.sum(case((a.c.reset_at.is_(None), 1), else_=0)).cast(Integer))
            .where((a.c.raised_at >= since) | a.c.reset_at.is_(None)).group_by(a.c.station))}
        runs = c.execute(select(t.c.station, t.c.kind, t.c.status, t.c.note, t.c.finished_at).join(
            newest, and_(newest.c.station == t.c.station, newest.c.sequence == t.c.sequence))).all()
    last: dict[str, dict] = defaultdict(dict)
    for station, kind, status, note, finished in runs:
        last[station][kind] = {"status": status, "note": note, "finished_at": aware(finished) if finished else None}
    out = []
    for row in stations:
        state = json.loads(row.state or "{}")
        n, open_ = alarms.get(row.station, (0, 0))
        out.append(StationStanding(row.station, aware(row.seen_at), state.get("backlog"),
                                   state.get("selftests_status", "off"), state.get("selftests", []),
                                   dict(last[row.station]), n, open_ > 0))
    return out


def hourly(plant: PlantDatabase, hours: int = 24) -> dict[str, list[tuple[datetime, int, int]]]:
    """Per station, (hour, parts, sent to review) for each of the last `hours` hours, oldest first (0 where none)."""
    i = plant_inspection
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=hours - 1)
    if plant.engine.dialect.name == "postgresql":
        bucket = func.date_trunc("hour", func.timezone("UTC", i.c.created_at))
    else:
        bucket = func.strftime("%Y-%m-%d %H:00:00", i.c.created_at)
    query = (select(i.c.station, bucket.label("hour"), func.count(),
                    func.sum(case((i.c.verdict == WAITING, 1), else_=0)).cast(Integer))
             .where(i.c.created_at >= start).group_by(i.c.station, "hour"))
    with plant.connected() as c:
        rows = c.execute(query).all()
    found: dict[str, dict[datetime, tuple[int, int]]] = defaultdict(dict)
    for station, hour, parts, review in rows:
        when = hour if isinstance(hour, datetime) else datetime.fromisoformat(hour)
        found[station][when.replace(tzinfo=timezone.utc)] = (parts, review or 0)
    hours_list = [start + timedelta(hours=h) for h in range(hours)]
    return {station: [(h, *by_hour.get(h, (0, 0))) for h in hours_list] for station, by_hour in sorted(found.items())}
