"""PRM attack, the PGD baseline, and the PRM self-test record."""

import numpy as np
import pytest
import torch
from sqlalchemy import select

from station.progress import Callbacks
from station.auth import PermissionDenied, create_user
from station.models.clip_store import load_clip_folder
from station.models.prompted import PromptedVisionEncoder
from station.runtime import Station
from station.selftest import reference as refs
from station.selftest.outcomes import CAUGHT, CORRECT, DEFECT_ESCAPE, SILENT_FAILURE
from station.selftest.pgd import pgd_attack
from station.selftest.prm import PrmSettings, prm_attack, prm_features
from station.selftest.prm_runner import PrmRunSettings, run_prm_selftest
from station.storage.models import SelftestResult, SelftestRun
from station.synth.samples import draw_sample


def test_official_settings_are_the_defaults():
    s = PrmSettings()
    assert s.iterations == 250 and s.eps == pytest.approx(8 / 255)
    assert s.lr == pytest.approx(0.5 / 255) and s.lr * s.weight_decay == pytest.approx(0.005)  # 0.5% shrink a step
    assert (s.scale_low, s.scale_high, s.random_start) == (0.5, 1.0, 0.0)


@pytest.fixture(scope="module")
def clip(demo_dir):
    return load_clip_folder(demo_dir / "clip")


@pytest.fixture(scope="module")
def frames():
    return torch.from_numpy(np.stack([draw_sample(8, i, 128).image for i in range(3)])).permute(0, 3, 1, 2).float() / 255


def test_features_are_ln_pre_plus_every_block(clip, frames):
    enc = PromptedVisionEncoder(clip.model.visual)
    feats = prm_features(enc, frames[:1], clip.spec.mean, clip.spec.std)
    assert len(feats) == len(clip.model.visual.transformer.resblocks) + 1
    assert feats[0].shape[1] == 1 + (128 // 8) ** 2  # all tokens at the frame's own size, CLS included


def test_attack_misaligns_within_budget(clip, frames):
    enc = PromptedVisionEncoder(clip.model.visual)
    eps = 8 / 255
    result = prm_attack(enc, frames, clip.spec.mean, clip.spec.std, PrmSettings(iterations=30, seed=1))
    layers = len(clip.model.visual.transformer.resblocks) + 1
    assert result.losses[0] == pytest.approx(layers, abs=1e-3)  # identical features at delta = 0
    assert result.losses[-1] < layers - 0.5
    assert result.escape_step is not None and result.escape_step >= 1
    adv = result.adversarial
    assert (adv - frames).abs().max() <= eps + 0.5 / 255 + 1e-6
    assert torch.allclose(adv * 255, (adv * 255).round(), atol=1e-4)  # 8-bit frames


def test_batching_gives_the_single_image_result(clip, frames):
    """Each image's loss and AdamW state are its own: a batch attacks every image as if alone."""
    enc = PromptedVisionEncoder(clip.model.visual)
    settings = PrmSettings(iterations=6, random_start=2 / 255, seed=3)
    both = prm_attack(enc, frames[:2], clip.spec.mean, clip.spec.std, settings).adversarial
    first_alone = prm_attack(enc, frames[:1], clip.spec.mean, clip.spec.std, settings).adversarial
    # same start noise (drawn first) and same scale draws: only floating-point noise differs
    assert (both[0] - first_alone[0]).abs().mean() < 0.5 / 255


def test_clean_features_are_computed_once_per_size_and_change_nothing(clip, frames):
    """Kept clean features are the ones the official loop recomputes: same adversarial images, fewer runs."""
    enc = PromptedVisionEncoder(clip.model.visual)
    runs = []
    forward = enc.forward

    def counted(*args, **kwargs):
        runs.append(torch.is_grad_enabled())
        return forward(*args, **kwargs)

    enc.forward = counted
    small = torch.nn.functional.interpolate(frames[:2], size=(32, 32), mode="area")  # 16 sizes from 16 to 31 px
    settings = PrmSettings(iterations=20, random_start=2 / 255, seed=4)
    kept = prm_attack(enc, small, clip.spec.mean, clip.spec.std, settings)
    clean_runs_kept = runs.count(False)
    runs.clear()
    official = prm_attack(enc, small, clip.spec.mean, clip.spec.std, settings, keep_clean_features=False)
    assert runs.count(False) == 20 and runs.count(True) == 20  # the official loop: both images every iteration
    assert clean_runs_kept <= 16  # 20 ratios land on at most 16 sizes: each size's features once
    assert torch.equal(kept.adversarial, official.adversarial) and kept.losses == official.losses


def test_the_station_resize_by_a_whole_factor_is_the_area_resize_bit_for_bit():
    """256 -> 64 px goes through avg_pool2d (faster both ways): the same values and gradients as the area resize."""
    from station.models.preprocess import resize_square_torch

    frames = torch.rand(2, 3, 256, 256, generator=torch.Generator().manual_seed(0), requires_grad=True)
    area = torch.nn.functional.interpolate(frames, size=(64, 64), mode="area")
    assert torch.equal(resize_square_torch(frames, 64), area)
    assert torch.equal(*(torch.autograd.grad(r.square().sum(), frames)[0]
                         for r in (resize_square_torch(frames, 64), area)))


@pytest.mark.parametrize("shape", [(256, 256), (256, 320), (200, 200)])
def test_the_frame_attack_perturbs_and_resizes_as_the_plain_ops_bit_for_bit(shape):
    """The frame mode's image of delta (x + delta within bounds, then the station's resize) is computed one frame
    at a time for speed: the same values and gradient as the plain ops, and as clamping twice (the official
    image) up to float rounding. (200 px has no whole factor to 64: the plain path.)"""
    from station.models.preprocess import resize_square_torch
    from station.selftest.prm import _perturbed

    gen = torch.Generator().manual_seed(3)
    eps = 8 / 255
    x = torch.rand(3, 3, *shape, generator=gen)
    x[0, 0, :8] = 1.0  # saturated pixels: bounds that bite
    delta = ((torch.rand(x.shape, generator=gen) * 2 - 1) * 3 * eps).requires_grad_(True)
    low, high = (-x).clamp(min=-eps), (1 - x).clamp(max=eps)
    weight = torch.rand(3, 3, 64, 64, generator=gen)
    ours = _perturbed(x, delta, low, high, 64)
    plain = resize_square_torch(x + delta.clamp(low, high), 64)
    official = resize_square_torch(torch.clamp(x + torch.clamp(delta, -eps, eps), 0, 1), 64)
    assert torch.equal(ours, plain)
    assert torch.allclose(ours, official, atol=1e-6)
    grads = [torch.autograd.grad((r * weight).sum(), delta)[0] for r in (ours, plain, official)]
    assert torch.equal(grads[0], grads[1])
    assert torch.equal(grads[0], grads[2])
    assert grads[0].abs().sum() > 0 and (grads[0] == 0).any()  # some pixels move, the clamped ones do not


def test_pgd_matches_torchattacks(clip):
    import torchattacks  # a test dependency: its absence is a failure, not a skip

    from station.models.zero_shot import ClassPrompt, ZeroShotCheck
    from station.catalog import ALL_CLASSES

    classes = [ClassPrompt(c.key, tuple(c.prompt_texts())) for c in ALL_CLASSES if c.family.key == "washer"]
    check = ZeroShotCheck(clip, classes)

    class Classifier(torch.nn.Module):
        def forward(self, x):
            return check.logits_from_pixels(x)

    size = clip.image_size  # the images the encoder sees
    images = torch.from_numpy(np.stack([draw_sample(12, i, size, class_index=i % 5).image for i in range(20)]))
    x = images.permute(0, 3, 1, 2).float() / 255
    y = torch.tensor([i % 5 for i in range(20)])
    ours = pgd_attack(check.logits_from_pixels, x, y, eps=4 / 255, alpha=1 / 255, steps=10,
                      generator=torch.Generator().manual_seed(0))
    theirs = torchattacks.PGD(Classifier(), eps=4 / 255, alpha=1 / 255, steps=10, random_start=True)(x, y)
    with torch.no_grad():
        acc_ours = (check.logits_from_pixels(ours).argmax(1) == y).float().mean().item()
        acc_theirs = (check.logits_from_pixels(theirs).argmax(1) == y).float().mean().item()
        clean = (check.logits_from_pixels(x).argmax(1) == y).float().mean().item()
    assert acc_ours < clean
    assert abs(acc_ours - acc_theirs) <= 0.1


def test_prm_selftest_is_recorded(tmp_path):
    station = Station.open(tmp_path / "data")
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
        op = create_user(s, "olga", "operator", "operator-pass", by=boss)
        s.expunge_all()
    reference = refs.generated(station, 4, size=96)
    settings = PrmRunSettings(eps=[4 / 255, 8 / 255], iterations=3, batch_size=2)
    with pytest.raises(PermissionDenied):
        run_prm_selftest(station, reference, settings, op)
    seen = []
    run_id = run_prm_selftest(station, reference, settings, boss, progress=Callbacks(lambda d, t, m: seen.append((d, t))))
    assert seen[-1] == (2 * 2 * 3, 12)
    with station.db.session() as s:
        run = s.get(SelftestRun, run_id)
        assert run.status == "done" and run.finished_at is not None
        assert set(run.summary["by_eps"]) == {"eps=4/255", "eps=8/255"}
        results = list(s.scalars(select(SelftestResult).where(SelftestResult.run_id == run_id)))
    assert len(results) == 8
    assert {r.outcome for r in results} <= {CORRECT, CAUGHT, SILENT_FAILURE, DEFECT_ESCAPE}
    assert all(station.images.path_of(r.image_path).exists() for r in results)

    from station.selftest.report import render_report

    second = run_prm_selftest(station, reference[:2], PrmRunSettings(iterations=2, batch_size=2), boss)
    with station.db.session() as s:
        page = render_report(s, station.images, second)
    assert f"Self-test run #{second}" in page and "defect escape" in page
    assert page.count("data:image/png;base64,") >= 3  # clean, attacked, magnified perturbation
    assert "<polyline" in page  # the trend over the two runs

    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 2

    cancelled = run_prm_selftest(station, reference, settings, boss, progress=Callbacks(should_stop=stop))
    with station.db.session() as s:
        assert s.get(SelftestRun, cancelled).status == "cancelled"
    station.close()


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory):
    station = Station.open(tmp_path_factory.mktemp("prm") / "data")
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
        s.expunge_all()
    yield station, boss, refs.generated(station, 16, seed=4242)  # the 16 default frames of `selftest prm`
    station.close()


def _summary(station, run_id):
    with station.db.session() as s:
        return s.get(SelftestRun, run_id).summary


def test_input_mode_attack_bites_on_the_demo_station(demo_station):
    """The paper's setting, crafted on the 64 px input check A sees. Measured at 120 steps: check A 100% -> 25%, the
    misalignment loss 7.0 -> 5.4 (250 steps: the same 25%, 5.4)."""
    station, boss, reference = demo_station
    run_id = run_prm_selftest(station, reference, PrmRunSettings(eps=[8 / 255], iterations=120, batch_size=16), boss)
    summary = _summary(station, run_id)
    m = summary["by_eps"]["eps=8/255"]
    assert summary["mode"] == "input" and summary["attack_effective"] and m["attack_effective"]
    assert m["check_a_clean"] >= 0.9 and m["check_a_attacked"] <= 0.40, m
    assert m["loss_final"] < m["loss_start"] - 1.0  # the misalignment really grew
    assert m["images"] == 16
    # the demo CNN as check B (pixels only, no CLIP features) barely moves: measured 1 of 16 frames
    assert m["check_b_drop"] <= 0.125 and not m["check_b_not_independent"], m


def test_frame_mode_attack_survives_the_station_resize(demo_station):
    """Crafted on the 256 px camera frame through the station's area reduction. Measured: check A 100% -> 25% on
    the 16 default frames at 250 steps (as in input mode); on the first 8 used here 50% at 60 steps, 37.5% at 100,
    25% at 150, 12.5% at 250. The bound leaves room for a perturbation that must survive a 4x averaging, and would
    fail for an attack crafted without the resize in the loop (check A 94%)."""
    station, boss, reference = demo_station
    run_id = run_prm_selftest(station, reference[:8],
                              PrmRunSettings(eps=[8 / 255], iterations=150, batch_size=8, mode="frame"), boss)
    m = _summary(station, run_id)["by_eps"]["eps=8/255"]
    assert m["check_a_attacked"] <= 0.5 and m["attack_effective"], m


@pytest.mark.parametrize("blunt", [{"eps": [0.0], "iterations": 40}, {"eps": [8 / 255], "iterations": 0}],
                         ids=["eps 0", "0 iterations"])
def test_a_blunted_attack_is_flagged_ineffective_never_a_pass(demo_station, blunt):
    from station.cli.selftest_cmds import _prm_table
    from station.selftest.report import render_report

    station, boss, reference = demo_station
    run_id = run_prm_selftest(station, reference[:4], PrmRunSettings(batch_size=4, **blunt), boss)
    summary = _summary(station, run_id)
    m = next(iter(summary["by_eps"].values()))
    assert m["check_a_attacked"] == m["check_a_clean"] and not m["attack_effective"]
    assert summary["attack_effective"] is False
    assert "WARNING -- attack ineffective: this run says nothing about the station" in _prm_table(run_id, "done", summary)
    with station.db.session() as s:
        page = render_report(s, station.images, run_id)
    assert "Attack ineffective: this run says nothing about the station" in page


def test_attacked_images_are_published_only_with_their_committed_rows(demo_station, monkeypatch):
    station, boss, reference = demo_station
    seen = []
    publish = station.images.publish

    def checked_publish(stored):
        with station.db.session() as s:  # another session: sees only what is committed
            committed = s.scalar(select(SelftestResult.id).where(SelftestResult.image_path == stored.relative_path))
            clean_ref = s.scalar(select(SelftestResult.id).where(
                SelftestResult.details["clean_image"].as_string() == stored.relative_path))
        seen.append(committed is not None or clean_ref is not None)
        publish(stored)

    monkeypatch.setattr(station.images, "publish", checked_publish)
    run_prm_selftest(station, reference[:4], PrmRunSettings(iterations=2, batch_size=2), boss)
    assert len(seen) == 8 and all(seen)  # 4 attacked + 4 clean images, each after its row's commit


def test_station_resize_in_torch_matches_the_station():
    from station.models.preprocess import resize_square, resize_square_torch

    frame = draw_sample(3, 0, 256).image
    x = torch.from_numpy(frame).permute(2, 0, 1)[None].float() / 255
    ours = (resize_square_torch(x, 64)[0].permute(1, 2, 0) * 255).round().numpy()
    assert np.abs(ours - resize_square(frame, 64).astype(np.float64)).max() <= 1.0


def test_a_crash_between_commit_and_publish_keeps_the_self_test_images(tmp_path):
    """Rows committed, images still pending (the process died): the next start publishes them, and drops
    pending images no row names."""
    station = Station.open(tmp_path / "data")
    image = draw_sample(1, 0, 64).image
    attacked, clean, orphan = (station.images.stage(image) for _ in range(3))
    with station.db.transaction() as s:
        run = SelftestRun(kind="prm", params={})
        s.add(run)
        s.flush()
        s.add(SelftestResult(run_id=run.id, item="x", true_label="washer/good", variant="eps=8/255", outcome=CORRECT,
                             image_path=attacked.relative_path, details={"clean_image": clean.relative_path}))
    station.close()
    station = Station.open(tmp_path / "data")
    try:
        assert station.images.path_of(attacked.relative_path).is_file()
        assert station.images.path_of(clean.relative_path).is_file()
        assert not station.images.path_of(orphan.relative_path).exists()
        assert not any(station.images.pending.iterdir())
    finally:
        station.close()


def test_with_prompts_active_the_bite_is_judged_on_the_plain_encoder(demo_station):
    """The attack aims at the plain CLIP; prompts that hold check A steady must not turn a biting attack into
    'ineffective' (the schedule would then never be kept)."""
    from station.selftest.strength import attack_strength, strength_line

    steady = {"check_a_clean": 1.0, "check_a_attacked": 1.0, "check_b_clean": 1.0, "check_b_attacked": 1.0}
    assert attack_strength(steady, [(7.0, 5.0, 4)], plain=(1.0, 0.25))["attack_effective"]
    assert not attack_strength(steady, [(7.0, 7.0, 4)], plain=(1.0, 1.0))["attack_effective"]
    # check B falling counts; with check A steady it is a finding of its own (a linear probe on CLIP's features)
    b_fell = attack_strength({**steady, "check_b_attacked": 0.06}, [(7.0, 6.9, 4)])
    assert b_fell["attack_effective"] and b_fell["check_b_not_independent"]
    both = attack_strength({**steady, "check_a_attacked": 0.3, "check_b_attacked": 0.5}, [(7.0, 5.0, 4)])
    assert both["attack_effective"] and not both["check_b_not_independent"]
    # a check A right on none of the clean parts (a part its CLIP never saw) has not "held": no finding, and said
    blind = {**steady, "check_a_clean": 0.0, "check_a_attacked": 0.0, "check_b_attacked": 0.06}
    m = attack_strength(blind, [(7.0, 6.9, 4)])
    assert m["attack_effective"] and not m["check_b_not_independent"] and m["check_a_unmeasured"]
    line = strength_line({**blind, **m})
    assert "FINDING" not in line and "too few of the clean parts (0%)" in line

    station, boss, reference = demo_station
    enc = station.check_a.encoder
    station.check_a.set_prompts(torch.zeros(enc.num_prompted_blocks, 2, enc.width), 3)
    try:
        # 120 steps: measured 12.5% right on the plain CLIP, as with the default 250
        run_id = run_prm_selftest(station, reference[:8], PrmRunSettings(eps=[8 / 255], iterations=120, batch_size=8),
                                  boss)
    finally:
        station.check_a.set_prompts(None)
    m = _summary(station, run_id)["by_eps"]["eps=8/255"]
    assert m["plain_clip_clean"] >= 0.9 and m["plain_clip_attacked"] <= 0.5 and m["attack_effective"], m


def test_one_strength_rule_for_the_cli_and_the_gui():
    from station.errors import StationError
    from station.selftest.prm_runner import MAX_STRENGTH, StrengthError, parse_strengths

    assert parse_strengths("4, 8,16") == [4 / 255, 8 / 255, 16 / 255]
    assert parse_strengths("0") == [0.0]  # allowed: the run is flagged ineffective
    for bad in ("", "eight", "8,,x", "-1", str(MAX_STRENGTH + 1), "nan"):
        with pytest.raises(StrengthError):
            parse_strengths(bad)
    with pytest.raises(StationError, match="from 0 to 64"):
        PrmRunSettings(eps=[100 / 255])


def test_a_second_check_on_clip_features_falls_with_clip_and_the_run_says_so(demo_station, tmp_path):
    """Independence is measured, not named: a linear probe on CLIP's features as check B falls under PRM with
    CLIP, which makes the attack count and shows in check B's drop (the demo CNN, pixels only, barely moves:
    the input-mode test above)."""
    from station.models.preprocess import to_model_input
    from station.models.second_check import LinearProbeCheck, save_linear_probe, train_linear_probe

    station, boss, reference = demo_station
    keys = [c.key for c in station.config.classes]
    size = station.clip.image_size
    frames = [draw_sample(505, i, size, defect_rate=0.5, family="washer") for i in range(160)]
    labels = torch.tensor([keys.index(f.part_class.key) for f in frames])
    probe = train_linear_probe(station.clip, to_model_input([f.image for f in frames], size=size), labels, keys)
    save_linear_probe(probe, tmp_path / "probe.safetensors")
    own = station.check_b
    station.check_b = LinearProbeCheck(tmp_path / "probe.safetensors", station.clip, keys)
    try:
        run_id = run_prm_selftest(station, reference[:8], PrmRunSettings(eps=[8 / 255], iterations=120, batch_size=8), boss)
    finally:
        station.check_b = own
    m = _summary(station, run_id)["by_eps"]["eps=8/255"]
    assert m["check_b_clean"] >= 0.75 and m["check_b_drop"] >= 0.4, m
    assert m["attack_effective"]  # the demo CNN under the same attack: test_input_mode_attack_bites_on_the_demo_station
