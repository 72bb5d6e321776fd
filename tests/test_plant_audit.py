"""Each station's audit trail at the plant (station.audit.plant_check): forwarded whole, checked per station, and
every way of changing it at the plant found: an edited event, a removed one, a frame added at the plant."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, update

from station import review
from station.audit.plant_check import verify_plant
from station.forwarding import Forwarder
from station.pipeline import Pipeline
from station.storage.models import AuditEvent
from station.storage.objects import FolderObjects
from station.storage.plant import PlantDatabase, plant_audit, plant_inspection, plant_review
from station.synth.camera import SyntheticSource


def test_each_stations_trail_arrives_whole_and_a_change_at_the_plant_is_found(station, plant_url, tmp_path):
    station.config.thresholds.conf_a = 1.0
    Pipeline(station, operator=station.otto, source_name="audit").run(SyntheticSource(seed=4, family="washer"),
                                                                       max_frames=3)
    answers = review.settings_answers(station)
    with station.db.transaction() as s:
        review.decide(s, 2, "washer/good", answers, station.rita)
    plant = PlantDatabase(plant_url)
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-1")
    assert forwarder.forward_all(wait_s=0.01).done  # the trail too
    with station.db.session() as s:
        local = s.scalar(select(func.count()).select_from(AuditEvent))
    [trail] = verify_plant(plant)
    assert (trail.station, trail.ok, trail.events, trail.sealed_frames, trail.newer_frames) == (
        "line-1", True, local, 3, 0), trail.findings

    def findings() -> str:
        [t] = verify_plant(plant)
        return " | ".join(t.findings)

    with plant.connected(begin=True) as c:
        before = dict(c.execute(select(plant_audit).where(plant_audit.c.sequence == 3)).one()._mapping)
        c.execute(update(plant_audit).where(plant_audit.c.sequence == 3).values(actor="mallory"))
    assert "event 3: content does not match its hash" in findings()
    with plant.connected(begin=True) as c:
        c.execute(update(plant_audit).where(plant_audit.c.sequence == 3).values(actor=before["actor"]))
    assert findings() == ""  # as the station wrote it: whole again
    with plant.connected(begin=True) as c:
        c.execute(delete(plant_audit).where(plant_audit.c.sequence == 3))
    assert "events 3-3 are missing" in findings() and "event 4 does not point at the event before it" in findings()
    with plant.connected(begin=True) as c:
        c.execute(insert(plant_audit), before)
        row = dict(c.execute(select(plant_inspection).where(plant_inspection.c.sequence == 1)).one()._mapping)
        c.execute(insert(plant_inspection), {**row, "sequence": 0, "verdict": "PASS"})  # a frame the station never made
    assert "inspection 0 at the plant is not sealed in the station's trail" in findings()
    with plant.connected(begin=True) as c:
        c.execute(delete(plant_inspection).where(plant_inspection.c.sequence == 0))
        c.execute(update(plant_inspection).where(plant_inspection.c.sequence == 2).values(verdict="PASS"))
    assert "inspection 2 at the plant says verdict = 'PASS', but the station sealed 'REVIEW'" in findings()
    with plant.connected(begin=True) as c:  # its sealed content changed to match: no longer the sealed digest
        sealed = c.scalar(select(plant_inspection.c.sealed).where(plant_inspection.c.sequence == 2))
        c.execute(update(plant_inspection).where(plant_inspection.c.sequence == 2).values(
            sealed=sealed.replace('"verdict":"REVIEW"', '"verdict":"PASS"')))
    assert "inspection 2 at the plant is not what the station sealed" in findings()
    with plant.connected(begin=True) as c:
        c.execute(update(plant_inspection).where(plant_inspection.c.sequence == 2).values(verdict="REVIEW",
                                                                                            sealed=sealed))
        c.execute(update(plant_review).values(label="washer/dent"))  # the reviewer's decision rewritten
    assert "review 1 at the plant says label = 'washer/dent', but the station sealed 'washer/good'" in findings()
    with plant.connected(begin=True) as c:
        c.execute(update(plant_review).values(label="washer/good"))
        c.execute(delete(plant_audit))
    assert "3 frames at the plant but no audit trail of this station" in findings()


def test_a_trail_changed_at_the_plant_is_not_continued_as_if_it_were_this_stations(station, tmp_path):
    from station.forwarding import ForwardingStopped

    plant = PlantDatabase(f"sqlite:///{tmp_path / 'plant.db'}")
    forwarder = Forwarder(station, plant, FolderObjects(tmp_path / "objects"), "line-2")
    Pipeline(station, operator=station.otto, source_name="audit").run(SyntheticSource(seed=5, family="washer"),
                                                                       max_frames=1)
    assert forwarder.forward_all(wait_s=0.01).done
    with plant.connected(begin=True) as c:
        newest = c.scalar(select(func.max(plant_audit.c.sequence)))
        c.execute(update(plant_audit).where(plant_audit.c.sequence == newest).values(hash="0" * 64))
    Pipeline(station, operator=station.otto, source_name="audit").run(SyntheticSource(seed=6, family="washer"),
                                                                       max_frames=1)
    with pytest.raises(ForwardingStopped, match=r"audit event #\d+ of 'line-2' is not this station's.*--plant"):
        forwarder.forward_once()
