"""The bundled start of every product's check B: a part CNN on drawn parts only (no CLIP), on the families the
generator keeps seen, and what a product's check B actually starts from."""

import json
import shutil

import pytest
import torch

from station.catalog import SEEN_KEYS, UNSEEN_FAMILIES
from station.models.cnn_store import load_cnn_folder
from station.models.files import ModelFileError
from station.paths import check_b_start_dir, demo_models_dir
from station.products.check_b import CheckBRecipe, _start


def test_the_bundled_start_is_a_trained_part_cnn_of_the_seen_families_and_nothing_of_clip():
    folder = check_b_start_dir()
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "manifest.json", "model.safetensors"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert tuple(manifest["recipe"]["families"]) == SEEN_KEYS
    assert not {f.key for f in UNSEEN_FAMILIES} & set(manifest["recipe"]["families"])  # those stay never seen
    loaded = load_cnn_folder(folder)  # every file against the manifest's sha256
    assert loaded.model.config["width"] == 16 and loaded.model.config["image_size"] == CheckBRecipe.image_size
    # trained, not a random start: each family's parts told apart on held-out camera frames (chance: 20-25%)
    camera = manifest["heldout_metrics"]["camera_size"]["cnn"]
    assert min(camera[k] for k in SEEN_KEYS) >= 0.5, camera


def test_a_products_check_b_starts_from_the_bundled_start_and_not_from_the_demo_cnn():
    start = load_cnn_folder(check_b_start_dir()).model.features.state_dict()
    demo = load_cnn_folder(demo_models_dir() / "cnn").model.features.state_dict()
    model = _start(4, CheckBRecipe()).features.state_dict()
    assert all(torch.equal(model[k], start[k]) for k in start)
    assert not all(torch.equal(model[k], demo[k]) for k in demo)
    unpretrained = _start(4, CheckBRecipe(pretrained=False)).features.state_dict()
    assert not torch.equal(unpretrained["0.0.weight"], start["0.0.weight"])


def test_a_damaged_start_is_refused_by_name(tmp_path):
    folder = tmp_path / "start"
    shutil.copytree(check_b_start_dir(), folder)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="model.safetensors"):
        _start(4, CheckBRecipe(start_folder=str(folder)))


def test_training_on_a_product_keeps_the_starts_first_blocks_which_the_good_parts_memory_reads():
    """Trained on a product's classes, those blocks would learn to ignore what the classes never needed (a stain
    on a nut, where only scratches and chips were photographed), and the memory would stop seeing it:
    test_the_good_parts_memory_stops_a_defect_kind_check_b_never_saw fails with every block trained."""
    import numpy as np

    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (96, 96, 3), dtype=np.uint8) for _ in range(8)]
    recipe = CheckBRecipe(epochs=1, batch=4)
    from station.products.check_b import train_classifier

    model = train_classifier(images, [0, 1] * 4, 2, recipe).features.state_dict()
    start = load_cnn_folder(check_b_start_dir()).model.features.state_dict()
    kept = [k for k in start if int(k.split(".")[0]) < recipe.kept_blocks]
    assert kept and all(torch.equal(model[k], start[k]) for k in kept)  # weights and batch statistics alike
    assert not torch.equal(model["3.0.weight"], start["3.0.weight"])  # the last block learns the product
    with pytest.raises(ValueError, match="kept_blocks must be 0 to 4"):
        CheckBRecipe(kept_blocks=-1)  # would keep blocks from the end


def test_an_onboarded_products_check_b_names_the_start_it_grew_from(onboarded):
    from station.models.files import sha256_file
    from station.products import store

    root, _, _, _, row = onboarded
    manifest = json.loads((root / "data" / row.path / store.CHECK_B / "manifest.json").read_text())
    assert manifest["start_weights_sha256"] == sha256_file(check_b_start_dir() / "model.safetensors")
