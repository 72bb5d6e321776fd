"""Trigger stamping and the backdoor probe's record (on the clean demo model)."""

import numpy as np
from sqlalchemy import func, select

from station.auth import create_user
from station.runtime import Station
from station.selftest import reference as refs
from station.selftest.backdoor_probe import run_backdoor_probe
from station.selftest.triggers import Trigger, probe_triggers
from station.storage.models import SelftestResult, SelftestRun


def test_triggers_are_deterministic_and_local_where_they_should_be():
    image = np.full((64, 64, 3), 120, np.uint8)
    patch = Trigger("badnet", size=0.1, position="corner")
    stamped = patch.apply(image)
    assert np.array_equal(stamped, patch.apply(image))
    changed = np.argwhere((stamped != image).any(axis=2))
    assert changed.min() >= 64 - 8 and len(changed) <= 8 * 8  # only the corner patch
    blended = Trigger("blended", ratio=0.2).apply(image)
    assert np.abs(blended.astype(int) - image).max() <= 0.2 * 255 + 1
    assert (blended != image).any(axis=2).mean() > 0.5  # spread over the whole frame
    textured = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    warped = Trigger("wanet", strength=1.0).apply(textured)
    assert warped.shape == textured.shape and not np.array_equal(warped, textured)
    assert len({t.name for t in probe_triggers()}) == len(probe_triggers()) >= 10


def test_probe_records_attack_success_per_trigger_and_target(tmp_path):
    station = Station.open(tmp_path / "data")
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
        s.expunge(boss)
    reference = refs.generated(station, 10, size=64)
    triggers = [Trigger("badnet", size=0.12), Trigger("blended", ratio=0.2)]
    run_id = run_backdoor_probe(station, reference, boss, triggers=triggers)
    with station.db.session() as s:
        run = s.get(SelftestRun, run_id)
        assert run.status == "done"
        assert set(run.summary["asr"]) == {f"{t.name} (without prompts)" for t in triggers}
        for rates in run.summary["asr"].values():
            assert set(rates) == {c.key for c in station.config.classes}
            assert all(0.0 <= v <= 1.0 for v in rates.values())
        assert run.summary["clean_accuracy"]["without prompts"] >= 0.7
        n = s.scalar(select(func.count()).select_from(SelftestResult).where(SelftestResult.run_id == run_id))
        assert n == len(triggers) * len(reference)
    station.close()
