"""The plant overview (station.storage.plant_overview) counts what the stations recorded: parts, review share,
defects a check passed that a reviewer caught, alarms (and their reset), self-test results; the same figures a
station's own records give. SQLite and the PostgreSQL CI starts."""

from __future__ import annotations

from sqlalchemy import select

from station import failsafe, review
from station.forwarding import Forwarder
from station.pipeline import Pipeline
from station.storage.models import Alarm, Inspection, SelftestRun, utcnow
from station.storage.objects import FolderObjects
from station.storage.plant import PlantDatabase
from station.storage.plant_overview import figures, hourly, standings
from station.synth.camera import SyntheticSource


def run_line(station, frames: int, seed: int, conf_a: float) -> None:
    station.config.thresholds.conf_a = conf_a
    Pipeline(station, operator=station.otto, source_name="overview").run(
        SyntheticSource(seed=seed, family="washer", defect_rate=0.3), max_frames=frames)


def test_the_overview_counts_what_the_station_recorded(station, plant_url, tmp_path):
    run_line(station, 5, seed=11, conf_a=0.5)
    run_line(station, 4, seed=12, conf_a=1.0)  # nothing sure enough: these wait for a person
    good = {c.key: c.good for c in station.config.classes}
    with station.db.session() as s:
        rows = list(s.scalars(select(Inspection)))
    waiting = [r for r in rows if r.verdict == "REVIEW"]
    one_check_said_good = next(r for r in waiting if good[r.label_a] or good[r.label_b])
    with station.db.transaction() as s:
        # a defect one check passed
        review.decide(s, one_check_said_good.id, "washer/stain", review.settings_answers(station), station.rita)
        s.add(Alarm(kind="failsafe", detail={"review_share": 0.9}))
        s.add(SelftestRun(kind="prm", params={}, status="done", started_at=utcnow(), finished_at=utcnow(),
                          summary={"by_eps": {"8/255": {"defect_escape": 0.25}}, "attack_effective": True}))
        s.add(SelftestRun(kind="backdoor", params={}, status="running", started_at=utcnow()))  # not finished
    plant = PlantDatabase(plant_url)
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-1")
    assert forwarder.forward_all(wait_s=0.01).done

    [line] = figures(plant, hours=24)
    assert (line.station, line.product, line.parts, line.caught_by_review) == ("line-1", "", len(rows), 1)
    assert line.review_share == len(waiting) / len(rows) and line.per_hour == len(rows) / 24
    [standing] = standings(plant)
    assert standing.station == "line-1" and standing.backlog == 0 and standing.alarm_open and standing.alarms == 1
    assert standing.last_runs == {"prm": {"status": "done", "note": "defect escapes up to 25%",
                                          "finished_at": standing.last_runs["prm"]["finished_at"]}}
    assert {t["kind"] for t in standing.selftests} == {"prm", "backdoor"}
    trend = hourly(plant, hours=24)
    assert len(trend["line-1"]) == 24
    assert sum(p for _, p, _ in trend["line-1"]) == len(rows) and sum(r for *_, r in trend["line-1"]) == len(waiting)

    with station.db.transaction() as s:
        failsafe.reset(s, station.boss, note="checked")
    forwarder.forward_all(wait_s=0.01)
    [standing] = standings(plant)
    assert not standing.alarm_open and standing.alarms == 1  # reset since: brought up to date at the plant
