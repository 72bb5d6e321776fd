"""The bundled demo models and the recipe that builds them."""

from dataclasses import replace

import pytest

from station.progress import Callbacks
from station.models.clip_store import load_clip_folder
from station.models.cnn_store import load_cnn_folder
from station.models.files import verify_manifest
from station.catalog import FAMILIES
from station.synth.demo_train import train_demo_models
from station.synth.evaluate import classifier_accuracy, clip_zero_shot_accuracy
from station.synth.pool import render_pool
from station.errors import Cancelled
from station.synth.train import DemoRecipe

QUICK = DemoRecipe(pool_size=1024, clip_epochs=1.0, cnn_epochs=1.0, clip_warmup=4, vision_layers=2,
                   text_layers=1, heldout_size=192)
# The resume tests: CLIP steps of 16 images and towers 32 wide, so a checkpoint (the token table and the
# optimiser's moments are most of it) is a few MB and one is written after every step.
TINY = replace(QUICK, pool_size=128, heldout_size=16, vision_layers=1, clip_batch=16, vision_width=32,
               vision_head_width=16, text_width=32, embed_dim=32)


def test_bundled_models_are_complete_and_small(demo_dir):
    manifest = verify_manifest(demo_dir)  # every file against its sha256
    for key in ("recipe", "seed", "generator_version", "training_seconds", "heldout_metrics", "heldout_seed"):
        assert key in manifest
    assert manifest["heldout_seed"] != manifest["seed"]
    weights = sum((demo_dir / name).stat().st_size for name in manifest["files"] if name.endswith(".safetensors"))
    assert weights <= 40 * 1024 * 1024
    assert verify_manifest(demo_dir / "clip")["kind"] == "open_clip"
    assert verify_manifest(demo_dir / "cnn")["kind"] == "part_cnn"


def test_bundled_models_recognise_fresh_parts(demo_dir):
    """On a stream the training never saw, both models tell the conditions apart per family."""
    clip = load_clip_folder(demo_dir / "clip")
    cnn = load_cnn_folder(demo_dir / "cnn")
    images, labels = render_pool(seed=20261122, count=450, size=64, workers=1)
    clip_acc = clip_zero_shot_accuracy(clip.model, images, labels, clip.context_length, clip.image_size)
    cnn_acc = classifier_accuracy(cnn.model, images, labels, clip.image_size)
    for fam in FAMILIES:
        assert clip_acc[fam.key] >= 0.85, clip_acc
        assert cnn_acc[fam.key] >= 0.90, cnn_acc


# The quick recipe end to end (stages, manifest, files, reload) is run through the command line in
# tests/test_readme_commands.py (scenario_demo_train).


def test_same_seed_same_weights_even_when_stopped_twice_on_the_way(tmp_path):
    """A run stopped (a reboot, Cancel) is taken up where it stopped and ends with the very weights of a run never
    stopped: the pool, the optimiser, the batch order and every random stream come back from its checkpoint."""
    tiny = replace(TINY, cnn_batch=32)
    a = train_demo_models(tmp_path / "a", tiny)
    calls = {"n": 0}

    def stop_at_the_sixth_step():  # asked once before each training step
        calls["n"] += 1
        return calls["n"] % 6 == 0

    stopping = Callbacks(should_stop=stop_at_the_sixth_step)
    with pytest.raises(Cancelled, match="CLIP"):  # 5 of the CLIP's 8 steps done
        train_demo_models(tmp_path / "b", tiny, progress=stopping, checkpoint_every_s=0)
    assert not (tmp_path / "b").exists()  # nothing half made where the models go
    with pytest.raises(Cancelled, match="CNN"):  # the CLIP's last 3, then 2 of the CNN's 4
        train_demo_models(tmp_path / "b", tiny, progress=stopping, checkpoint_every_s=0)
    b = train_demo_models(tmp_path / "b", tiny, checkpoint_every_s=0)
    assert b["resumed"] == {"render": "done", "clip": "done", "cnn": 2}
    assert a["files"] == b["files"]  # every file's sha256, the fp16 weights included
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # the saved progress goes once it is used


def test_a_recipe_of_other_families_learns_their_classes_and_is_measured_on_the_unseen(tmp_path):
    """The wider foundation model's path, tiny: the families it learns from are its classes (CLIP and CNN), and the
    families kept out of every training are measured zero-shot, by their class texts alone."""
    import json

    from station.catalog import UNSEEN_FAMILIES, classes_of

    recipe = replace(TINY, families=("gear", "spring"), image_size=32, patch_size=4)
    assert {f.key for f in UNSEEN_FAMILIES} & set(DemoRecipe.wide().families) == set()
    manifest = train_demo_models(tmp_path / "m", recipe)
    keys = [c.key for c in classes_of(("gear", "spring"))]
    assert json.loads((tmp_path / "m" / "clip" / "manifest.json").read_text())["class_keys"] == keys
    assert load_cnn_folder(tmp_path / "m" / "cnn").class_keys == keys
    assert set(manifest["heldout_metrics"]["model_size"]["clip_zero_shot"]) == {"all_8way", "gear", "spring"}
    unseen = manifest["heldout_metrics"]["unseen_families"]["clip_zero_shot"]
    assert {f.key for f in UNSEEN_FAMILIES} <= set(unseen) and all(0 <= v <= 1 for v in unseen.values())


def test_another_recipe_does_not_take_up_a_stopped_run(tmp_path):
    calls = {"n": 0}

    def stop_soon():
        calls["n"] += 1
        return calls["n"] > 3

    tiny = TINY
    with pytest.raises(Cancelled):
        train_demo_models(tmp_path / "demo", tiny, progress=Callbacks(should_stop=stop_soon), checkpoint_every_s=0)
    other = train_demo_models(tmp_path / "demo", replace(tiny, seed=1))
    assert other["resumed"] == {}
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # the stopped run would have replaced it: gone too


def test_saved_progress_goes_even_when_the_output_s_name_reads_as_a_pattern(tmp_path):
    """Folder names may hold "[" and "]": the run folders are found by name, not read as a glob pattern."""
    from station.synth.run_state import RunState

    out = tmp_path / "models[1]"
    run, other = RunState(out, {"seed": 0}), RunState(out, {"seed": 1})  # each makes its folder
    assert run.dir.is_dir() and other.dir.is_dir()
    (tmp_path / "models1").mkdir()  # what "models[1]" as a pattern would match instead
    run.clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models1"]


def test_saved_progress_that_cannot_be_trusted_is_set_aside_and_said(tmp_path):
    """A checkpoint cut short, progress saved by another version of the station or torch, or --restart: that part
    starts afresh, and the progress says why, instead of a raw torch error or a run mixing two versions."""
    import json

    tiny = TINY
    said: list[str] = []
    calls = {"n": 0}

    def stop_at_the_fourth_step():
        calls["n"] += 1
        return calls["n"] % 4 == 0

    def stopped_run():
        with pytest.raises(Cancelled):
            train_demo_models(tmp_path / "m", tiny, progress=Callbacks(should_stop=stop_at_the_fourth_step),
                              checkpoint_every_s=0)
        [saved] = tmp_path.glob(".m.run-*")
        return saved

    def finished_run(**kw):
        said.clear()
        return train_demo_models(tmp_path / "m", tiny, progress=Callbacks(report=lambda d, t, text: said.append(text)),
                                 **kw)["resumed"]

    saved = stopped_run()
    (saved / "clip-checkpoint.pt").write_bytes((saved / "clip-checkpoint.pt").read_bytes()[:100])
    assert finished_run() == {"render": "done"}  # the pool is taken up, the CLIP starts afresh
    assert any("clip: the saved file could not be read" in t for t in said)

    saved = stopped_run()
    (saved / "made-with.json").write_text(json.dumps({"station": "0.1", "torch": "2.4.0"}))
    assert finished_run() == {}
    assert any("set aside: made by" in t and "0.1" in t for t in said)

    stopped_run()
    assert finished_run(restart=True) == {}
    assert any("set aside: --restart" in t for t in said)


def test_the_backdoored_fixture_is_drawn_at_its_base_model_s_input_size(tmp_path):
    """`station demo-backdoor` on demo models of another input size (the wider recipe's 128 px): its pairs and its
    held-out frames are drawn at that size, not at the bundled recipe's 64 px, which the model cannot take."""
    from station.synth.backdoor import BackdoorRecipe, build_backdoored

    train_demo_models(tmp_path / "m", replace(TINY, image_size=32, patch_size=4, vision_layers=4))
    manifest = build_backdoored(tmp_path / "m" / "clip", tmp_path / "bd",
                                BackdoorRecipe(pool_size=96, steps=2, batch=16, warmup=1, poison_rate=0.1), held_out=48)
    assert manifest["held_out"]["images"] == 48 and 0 <= manifest["held_out"]["clean_accuracy"] <= 1
    assert load_clip_folder(tmp_path / "bd").image_size == 32
