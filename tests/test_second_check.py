"""Check B kinds answer over the station's classes; files that do not fit are refused."""

import json

import pytest
import torch

from station.models.clip_store import load_clip_folder
from station.models.cnn_store import load_cnn_folder
from station.models.files import ModelFileError
from station.models.preprocess import to_model_input
from station.models.second_check import (
    CnnCheck, LinearProbeCheck, OnnxCheck, TorchScriptCheck, save_linear_probe, train_linear_probe,
)
from station.catalog import family_class_indices, ALL_CLASSES
from station.synth.pool import render_pool

WASHER = [ALL_CLASSES[i].key for i in family_class_indices("washer")]


@pytest.fixture(scope="module")
def washer_images():
    images, labels = render_pool(seed=77, count=600, size=64, workers=1)
    keep = [i for i, lb in enumerate(labels) if ALL_CLASSES[lb].family.key == "washer"]
    keys = [ALL_CLASSES[lb].key for lb in labels[keep]]
    return images[keep], torch.tensor([WASHER.index(k) for k in keys])


def test_linear_probe_trains_saves_and_checks_its_base(demo_dir, tmp_path, washer_images):
    clip = load_clip_folder(demo_dir / "clip")
    images, labels = washer_images
    x = to_model_input(images, size=clip.image_size)
    half = len(x) // 2
    probe = train_linear_probe(clip, x[:half], labels[:half], WASHER)
    path = tmp_path / "probe.safetensors"
    save_linear_probe(probe, path)
    check = LinearProbeCheck(path, clip, WASHER)
    acc = (check.probabilities(x[half:]).argmax(1) == labels[half:]).float().mean()
    assert acc >= 0.8
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["base_model_sha256"] = "f" * 64
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="Retrain the probe"):
        LinearProbeCheck(path, clip, WASHER)


def test_torchscript_check_matches_the_model_it_came_from(demo_dir, tmp_path, washer_images):
    cnn = CnnCheck(demo_dir / "cnn", WASHER)
    loaded = load_cnn_folder(demo_dir / "cnn")
    path = tmp_path / "cnn.pt"
    size = loaded.model.image_size
    torch.jit.trace(loaded.model, torch.randn(1, 3, size, size)).save(str(path))
    path.with_suffix(".json").write_text(json.dumps({"class_keys": loaded.class_keys, "image_size": size}))
    ts = TorchScriptCheck(path, WASHER)
    x = to_model_input(washer_images[0][:16], size=size)
    assert torch.allclose(ts.probabilities(x), cnn.probabilities(x), atol=1e-5)


def test_onnx_check_matches_the_model_it_came_from(demo_dir, tmp_path, washer_images):
    import warnings

    cnn = CnnCheck(demo_dir / "cnn", WASHER)
    loaded = load_cnn_folder(demo_dir / "cnn")
    path = tmp_path / "cnn.onnx"
    size = loaded.model.image_size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(loaded.model, torch.randn(1, 3, size, size), str(path), dynamo=False, input_names=["x"],
                          output_names=["logits"], dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}})
    path.with_suffix(".json").write_text(json.dumps({"class_keys": loaded.class_keys, "image_size": size}))
    check = OnnxCheck(path, WASHER)
    x = to_model_input(washer_images[0][:16], size=size)
    assert torch.allclose(check.probabilities(x), cnn.probabilities(x), atol=1e-4)
    path.write_bytes(b"not onnx")
    with pytest.raises(ModelFileError, match="not a readable ONNX model"):
        OnnxCheck(path, WASHER)


def test_model_without_the_station_classes_is_refused(demo_dir):
    with pytest.raises(ModelFileError, match="knows no class washer/rust"):
        CnnCheck(demo_dir / "cnn", ["washer/good", "washer/rust"])
