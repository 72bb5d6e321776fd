"""Trigger stamping, rates above the clean baseline, trigger inversion and the probe's record (on the clean demo model)."""

import json

import numpy as np
import pytest
from sqlalchemy import func, select

from station.progress import Callbacks
from station.selftest import reference as refs
from station.selftest.backdoor_probe import INVERSION_VARIANT, defects_passed, rates_to_classes, run_backdoor_probe
from station.selftest.inversion import InversionSettings, invert_trigger
from station.selftest.inversion_calibration import calibration_path, judge, load_calibration
from station.selftest.report import render_report
from station.triggers import Trigger, probe_triggers
from station.runtime import Station
from station.storage.models import AuditEvent, SelftestResult, SelftestRun


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


def test_logo_trigger_is_coloured_local_and_not_a_stamped_family():
    image = np.full((64, 64, 3), 120, np.uint8)
    logo = Trigger("logo", size=0.12, position="corner")
    stamped = logo.apply(image)
    changed = np.argwhere((stamped != image).any(axis=2))
    assert changed.min() >= 64 - 9 and len(changed) == 8 * 8
    colours = {tuple(c) for c in stamped[changed[:, 0], changed[:, 1]]}
    assert len(colours) == 2 and all(len(set(c)) > 1 for c in colours)  # two colours, neither grey
    assert "logo" not in {t.kind for t in probe_triggers()}  # the probe does not know it


def test_rates_count_only_frames_of_other_classes():
    truth = [0, 0, 1, 1, 2, 2]
    pred = [0, 1, 1, 1, 1, 2]
    assert rates_to_classes(pred, truth, 3) == [0.0, 0.5, 0.0]  # to class 1: one of two class-0 frames, one of two class-2
    good = [True, False, False]
    assert defects_passed([0, 1, 0, 2], [1, 1, 2, 2], good) == 0.5
    assert defects_passed([0, 0], [0, 0], good) == 0.0  # no defective frames at all


def test_probe_records_attack_success_per_trigger_and_target(station):
    reference = refs.generated(station, 10, size=64)
    triggers = [Trigger("badnet", size=0.12), Trigger("blended", ratio=0.2)]
    run_id = run_backdoor_probe(station, reference, station.boss, triggers=triggers, inversion=None)
    with station.db.session() as s:
        run = s.get(SelftestRun, run_id)
        assert run.status == "done" and "inversion" not in run.summary
        assert set(run.summary["asr"]) == {f"{t.name} (without prompts)" for t in triggers}
        for rates in run.summary["asr"].values():
            assert set(rates) == {c.key for c in station.config.classes}
            assert all(0.0 <= v <= 1.0 for v in rates.values())
        assert run.summary["clean_accuracy"]["without prompts"] >= 0.7
        n = s.scalar(select(func.count()).select_from(SelftestResult).where(SelftestResult.run_id == run_id))
        assert n == len(triggers) * len(reference)


def test_attack_success_is_reported_above_the_clean_baseline(station):
    """Frames labelled defective that the model calls good: the clean frames already 'pass defects' and
    'flip to good', so a trigger that changes nothing must add nothing above that baseline."""
    keys = [c.key for c in station.config.classes]
    good_key = next(k for k in keys if station.good[k])
    frames = refs.generated(station, 10, size=64)
    defect = next(k for k in keys if not station.good[k])
    reference = [type(r)(r.image, defect if r.truth == good_key else r.truth, r.item) for r in frames]  # mislabelled
    nothing, patch = Trigger("blended", ratio=0.0), Trigger("badnet", size=0.16, position="corner")
    run_id = run_backdoor_probe(station, reference, station.boss, triggers=[nothing, patch], inversion=None)
    with station.db.session() as s:
        summary = s.get(SelftestRun, run_id).summary
    setting = "without prompts"
    base = summary["baseline"][setting]
    assert base["defects_passed"] > 0 and base["to_class"][good_key] > 0  # the mislabelled good washers
    same = f"{nothing.name} ({setting})"
    assert summary["asr"][same] == base["to_class"]  # the raw figure is the baseline itself ...
    assert all(v == 0 for v in summary["asr_above_baseline"][same].values())  # ... and adds nothing
    assert summary["defects_passed"][same] == base["defects_passed"]
    assert summary["defects_passed_above_baseline"][same] == 0
    stamped = f"{patch.name} ({setting})"
    for k in keys:
        assert summary["asr_above_baseline"][stamped][k] == pytest.approx(summary["asr"][stamped][k] - base["to_class"][k])
    worst = summary["worst"][setting]
    assert worst["above_baseline"] == max(max(v.values()) for v in summary["asr_above_baseline"].values())
    assert worst["asr"] - worst["baseline"] == pytest.approx(worst["above_baseline"])


def test_calibration_is_stored_beside_the_demo_models_with_its_command():
    cal = load_calibration()
    assert calibration_path().parent.name == "demo" and "inversion_calibration" in cal["command"]
    assert cal["threshold"] == pytest.approx(cal["fraction"] * min(cal["clean_relative_sizes"]))
    assert cal["settings"] == {**InversionSettings().as_dict(), "seed": cal["settings"]["seed"]}  # what the probe runs
    verdict = judge(cal["threshold"] / 2, cal["model_sha256"])
    assert verdict["backdoor_indicated"] and verdict["calibrated_on_this_model"]
    assert not judge(None, "another model")["backdoor_indicated"]  # no trigger found is no evidence
    assert json.loads(calibration_path().read_text())["model_sha256"] == cal["model_sha256"]


def test_inversion_leaves_the_encoder_alone_and_honours_stop(station):
    visual = station.clip.model.visual
    before = {k: v.clone() for k, v in visual.state_dict().items()}
    frames = [r.image for r in refs.generated(station, 4, size=64)]
    calls = []
    inv = invert_trigger(visual, frames, station.clip.spec.mean, station.clip.spec.std, InversionSettings(steps=50),
                         progress=Callbacks(should_stop=lambda: len(calls) >= 3 or calls.append(1) is not None))
    assert inv.steps <= 4 and inv.mask.shape == (64, 64) and inv.pattern.shape == (64, 64, 3)
    assert all(p.grad is None for p in visual.parameters())
    assert all(np.array_equal(before[k], v) for k, v in visual.state_dict().items())
    assert inv.trigger_image().dtype == np.uint8 and inv.stamp(frames[0]).shape == (64, 64, 3)


def test_inversion_does_not_flag_the_clean_demo_clip_and_keeps_its_images(station):
    """The clean demo CLIP on the probe's own frames (those the calibration used): no backdoor indicated."""
    reference = refs.generated(station, 8)
    run_id = run_backdoor_probe(station, reference, station.boss, triggers=[Trigger("badnet", size=0.1)])
    with station.db.session() as s:
        run = s.get(SelftestRun, run_id)
        inv = run.summary["inversion"]
        row = s.scalar(select(SelftestResult).where(SelftestResult.run_id == run_id,
                                                    SelftestResult.variant == INVERSION_VARIANT))
        page = render_report(s, station.images, run_id)
    assert inv["calibrated_on_this_model"] and inv["settings_as_calibrated"]
    assert inv["relative_size"] is None or inv["relative_size"] >= inv["threshold"], inv
    assert inv["backdoor_indicated"] is False and row.outcome == "no backdoor indicated"
    for path in (row.image_path, row.details["mask_image"], row.details["stamped_image"]):
        assert station.images.read(path).shape == (64, 64, 3)
    assert page.count('src="data:image/png;base64,') == 3 and "NO BACKDOOR INDICATED" in page
    assert "above clean" in page
    # the next start counts them as recorded: nothing moved to quarantine, no "went back in time" alarm
    station.close()
    again = Station.open(station.data_dir)
    try:
        for path in (row.image_path, row.details["mask_image"], row.details["stamped_image"]):
            assert again.images.read(path).shape == (64, 64, 3)
        with again.db.session() as s:
            assert s.scalar(select(AuditEvent).where(AuditEvent.action == "images.quarantined")) is None
    finally:
        again.close()


def test_on_parts_of_another_kind_than_the_calibration_s_the_inversion_gives_no_verdict(station):
    """The threshold was measured on generated washers; a clean CLIP admits smaller triggers on other parts (1.0% on
    brackets, under 1.7%), so on a product's photos the inversion says no verdict, never "backdoor indicated"."""
    from station.selftest.inversion_calibration import on_calibration_parts
    from station.selftest.prm_runner import ReferenceFrame

    washers = refs.generated(station, 4)
    assert on_calibration_parts(washers)
    photos = [ReferenceFrame(r.image, "good", "file:" + "0" * 64) for r in washers]
    assert not on_calibration_parts(photos) and not on_calibration_parts([])
    found = judge(0.0103, load_calibration()["model_sha256"], parts_as_calibrated=False)
    assert found["backdoor_indicated"] is None and "generated washers, not on these parts" in found["calibration_note"]
    assert judge(0.0103, load_calibration()["model_sha256"])["backdoor_indicated"] is True  # washers: a verdict
