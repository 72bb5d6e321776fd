"""RVPT prompt sets: tuning, files, activation by a manager, rollback, refusal of bad files."""

import pytest
import torch

from station.progress import Callbacks
from station.paths import data_path
from station.auth import PermissionDenied, create_user
from station.models.files import ModelFileError
from station.prompts.files import PromptSetMeta, load_prompt_set, save_prompt_set
from station.prompts.registry import PromptSetError, activate, active, register, rollback
from station.prompts.rvpt import NotEnoughShots, RvptRecipe, name_text_embeddings, select_shots, tune_prompts
from station.runtime import Station
from station.catalog import ALL_CLASSES, family_class_indices
from station.synth.samples import draw_sample

WASHER = [ALL_CLASSES[i] for i in family_class_indices("washer")]


@pytest.fixture(scope="module")
def shots():
    images, labels = [], []
    for li, part in enumerate(WASHER):
        ci = ALL_CLASSES.index(part)
        for k in range(6):
            images.append(draw_sample(31, k, 64, class_index=ci).image)
            labels.append(li)
    return images, labels


def test_shot_selection_names_the_short_class():
    with pytest.raises(NotEnoughShots, match="class 'dented washer' has 2 labelled image"):
        select_shots([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4], 5, 3, 0, [c.label for c in WASHER])


def test_tuning_lowers_the_loss_and_repels_features(demo_dir, shots):
    from station.models.clip_store import load_clip_folder

    clip = load_clip_folder(demo_dir / "clip")
    before = {k: v.clone() for k, v in clip.model.state_dict().items()}
    epochs = []
    recipe = RvptRecipe(tokens_per_block=5, epochs=6, batch_size=10, lr=0.01)
    prompts, metrics = tune_prompts(clip, name_text_embeddings(clip, [c.label for c in WASHER]), *shots, recipe,
                                    progress=Callbacks(lambda e, n, m: epochs.append(m.params)))
    assert prompts.shape == (clip.model.visual.transformer.layers - 3, 5, 128)
    assert len(epochs) == 6
    assert epochs[-1]["loss"] < epochs[0]["loss"]
    assert epochs[-1]["fr"] < epochs[0]["fr"]  # prompted CLS features move away from the frozen ones
    assert metrics["tuned_parameters"] == prompts.numel()
    after = clip.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # CLIP stays frozen


def _meta(sha, **kw):
    return PromptSetMeta(base_model_sha256=sha, classes=[{"key": "washer/good", "name": "good washer", "text": "x"}],
                         first_prompted_block=3, tokens_per_block=2, name="test", **kw)


def test_prompt_file_round_trip_and_tamper(tmp_path):
    prompts = torch.randn(3, 2, 128)
    path = tmp_path / "p.safetensors"
    sha = save_prompt_set(path, prompts, _meta("a" * 64, metrics={"acc": 0.9}))
    loaded, meta = load_prompt_set(path, expected_sha256=sha)
    assert torch.equal(loaded, prompts) and meta.metrics == {"acc": 0.9}
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x55
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="its record says"):
        load_prompt_set(path, expected_sha256=sha)


def test_activation_rollback_and_refusals(tmp_path):
    station = Station.open(tmp_path / "data")
    sha = station.clip.sha256
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
        op = create_user(s, "olga", "operator", "operator-pass", by=boss)
    files = []
    for i in range(2):
        f = tmp_path / f"p{i}.safetensors"
        save_prompt_set(f, torch.randn(3, 2, 128) * 0.01, _meta(sha))
        files.append(f)
    other = tmp_path / "other.safetensors"
    save_prompt_set(other, torch.randn(3, 2, 128), _meta("b" * 64))
    with station.db.transaction() as s:
        boss, op = s.merge(boss), s.merge(op)
        with pytest.raises(PermissionDenied):
            register(s, station.data_dir, files[0], op)
        first = register(s, station.data_dir, files[0], boss)
        second = register(s, station.data_dir, files[1], boss)
        foreign = register(s, station.data_dir, other, boss)
        assert (first.version, second.version) == (1, 2)
        with pytest.raises(PermissionDenied):
            activate(s, first.id, sha, op)
        activate(s, first.id, sha, boss)
        activate(s, second.id, sha, boss)
        with pytest.raises(PromptSetError, match="tuned for CLIP bbbbbbbbbbbb"):
            activate(s, foreign.id, sha, boss)
        assert active(s).id == second.id
        assert rollback(s, sha, boss).id == first.id
        ids = first.id, second.id
    station.close()

    reopened = Station.open(tmp_path / "data")  # the active prompt set is live after a restart
    assert reopened.check_a.prompt_set_id == ids[0]
    assert reopened.check_a.encoder.prompts is not None
    reopened.close()

    with reopened.db.session() as s:
        path = data_path(tmp_path / "data", active(s).path)
    with open(path, "r+b") as fh:  # tamper with the live prompt file
        fh.seek(-1, 2)
        fh.write(b"\x00")
    with pytest.raises(PromptSetError, match="its record says"):
        Station.open(tmp_path / "data")


def test_names_shapes_and_values_from_outside_are_checked(tmp_path):
    """A name that leaves the data folder, NaN tokens, and tokens that do not fit the encoder are refused;
    a station whose active set no longer fits says how to go back, and going back works without the models."""
    from station.cli import main
    from station.models.identity import encoder_shape

    station = Station.open(tmp_path / "data")
    sha = station.clip.sha256
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
    good = tmp_path / "good.safetensors"
    save_prompt_set(good, torch.randn(3, 2, 128) * 0.01, _meta(sha))
    with station.db.transaction() as s:
        for bad in ("../../../../tmp/x", "a/b", ".hidden", "x" * 65):
            with pytest.raises(PromptSetError, match="is not allowed"):
                register(s, station.data_dir, good, s.merge(boss), name=bad)
    assert not (tmp_path / "tmp").exists() and not list((tmp_path / "data").glob("**/x-v1*"))

    nan = tmp_path / "nan.safetensors"
    save_prompt_set(nan, torch.full((3, 2, 128), float("nan")), _meta(sha))
    with pytest.raises(ModelFileError, match="not numbers"):
        load_prompt_set(nan)

    wide = tmp_path / "wide.safetensors"  # b tokens of width 96: not this encoder's 128
    save_prompt_set(wide, torch.randn(3, 2, 96) * 0.01, _meta(sha))
    shape = encoder_shape(station.config)
    assert shape == (station.check_a.encoder.depth, station.check_a.encoder.width)
    with station.db.transaction() as s:
        ok = register(s, station.data_dir, good, s.merge(boss), name="ok")
        activate(s, ok.id, sha, s.merge(boss), encoder_shape=shape)
        row = register(s, station.data_dir, wide, s.merge(boss), name="wide")
        with pytest.raises(PromptSetError, match=r"needs \(3, 2, 128\)"):
            activate(s, row.id, sha, s.merge(boss), encoder_shape=shape)
        ok.activated_at, row.active, ok.active = ok.activated_at, True, False  # as if activated by an older station
        row.activated_at = ok.activated_at.replace(year=ok.activated_at.year + 1)
    station.close()
    with pytest.raises(PromptSetError, match="station prompts rollback"):
        Station.open(tmp_path / "data")
    import os

    os.environ["STATION_PASSWORD"] = "manager-pass"
    try:
        assert main(["--data-dir", str(tmp_path / "data"), "--user", "boss", "prompts", "rollback"]) == 0
    finally:
        del os.environ["STATION_PASSWORD"]
    Station.open(tmp_path / "data").close()  # starts again, on the set that fits


def test_a_prompt_set_is_refused_once_the_station_class_texts_change(tmp_path):
    """Prompts are tuned against check A's own classifier; new texts make a new classifier."""
    from station import config

    data = tmp_path / "data"
    station = Station.open(data)
    sha, texts = station.clip.sha256, station.check_a.texts_sha256
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "manager-pass", by=None)
    f = tmp_path / "p.safetensors"
    save_prompt_set(f, torch.randn(3, 2, 128) * 0.01, _meta(sha, class_texts_sha256=texts))
    with station.db.transaction() as s:
        row = register(s, station.data_dir, f, s.merge(boss))
        activate(s, row.id, sha, s.merge(boss), texts_sha256=texts)
    station.close()

    cfg = config.load(data)
    cfg.classes[1].prompts = cfg.classes[1].prompts + ["a photo of a washer with a fine scratch."]
    config.save(cfg, data)
    with pytest.raises(PromptSetError, match="tuned against other class texts"):
        Station.open(data)
    cfg.classes[1].prompts = cfg.classes[1].prompts[:-1]  # the texts it was tuned with: usable again
    config.save(cfg, data)
    Station.open(data).close()


def test_held_out_shots_choose_the_recipe_and_stop_it_early(demo_dir, shots):
    """The rule a station can apply without knowing any trigger: within the accuracy budget, the most repelling."""
    from station.models.clip_store import load_clip_folder
    from station.prompts.selection import select_recipe, split_held_out

    tune, held = split_held_out(shots[1], 0.25, seed=0)
    assert not set(tune) & set(held) and len(held) == 2 * len(WASHER)  # a quarter of six, rounded, per class
    clip = load_clip_folder(demo_dir / "clip")
    text = name_text_embeddings(clip, [c.label for c in WASHER])
    base = RvptRecipe(epochs=3, batch_size=10, lr=0.01)
    sel = select_recipe(clip, text, *shots, base, grid=((3, 2, 2.0), (1, 2, 2.0)), budget=1.0, patience=1)
    assert len(sel.tried) == 2 and all(1 <= row["epoch"] <= 3 for row in sel.tried)
    assert sel.within_budget  # a budget of 100 points admits everything: the most repelling (row, epoch) wins
    assert sel.held_out.repelling == min(row["repelling"] for row in sel.tried)
    assert sel.prompts.shape[0] == clip.model.visual.transformer.layers - sel.recipe.first_prompted_block

    strict = select_recipe(clip, text, *shots, base, grid=((1, 2, 50.0),), budget=-1.0, patience=1)
    assert not strict.within_budget and strict.tried[0]["epoch"] == 1  # nothing fits: stopped after one epoch
