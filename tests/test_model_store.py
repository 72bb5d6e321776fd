"""The local model store: open_clip models load from local files only, hashes are enforced."""

import json

import open_clip
import pytest
import torch
from open_clip.model import CLIP
from safetensors.torch import save_file

from station.models.clip_store import ClipSpec, load_clip_checkpoint, load_clip_folder, save_clip_folder
from station.models.files import ModelFileError, sha256_file

STANDARD = "ViT-S-32-alt"
TINY_CFG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "head_width": 32, "patch_size": 8},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


@pytest.fixture(scope="module")
def standard_file(tmp_path_factory):
    """A randomly initialised standard open_clip architecture saved as a local checkpoint: ViT-S-32-alt, which
    loads by the same path as ViT-B-32 at a tenth of its size."""
    torch.manual_seed(0)
    model = open_clip.create_model(STANDARD).eval()
    # frozen as the station runs it: frozen weights take PyTorch's attention fast path,
    # whose text outputs differ from the trainable path by about 3e-6
    for p in model.parameters():
        p.requires_grad_(False)
    path = tmp_path_factory.mktemp("standard") / "vit-s-32-alt-random.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return model, path


def test_standard_architecture_round_trips_exactly(standard_file):
    model, path = standard_file
    loaded = load_clip_checkpoint(path, ClipSpec(STANDARD), sha256=sha256_file(path))
    images = torch.randn(2, 3, 224, 224)
    texts = open_clip.tokenize(["a photo of a good washer.", "a photo of a cracked hex nut."])
    with torch.no_grad():
        assert torch.equal(loaded.model.encode_image(images), model.encode_image(images))
        assert torch.equal(loaded.model.encode_text(texts), model.encode_text(texts))
    assert loaded.sha256 == sha256_file(path) and loaded.image_size == 224


def test_hash_mismatch_names_file_and_both_hashes(standard_file):
    _, path = standard_file
    wrong = "0" * 64
    with pytest.raises(ModelFileError) as err:
        load_clip_checkpoint(path, ClipSpec(STANDARD), sha256=wrong)
    message = str(err.value)
    assert str(path) in message and wrong in message and sha256_file(path) in message
    assert "restore" in message.lower()


def test_missing_checkpoint_fails_fast_without_download(tmp_path):
    # "openai" is a hub tag, not a file: the store must refuse it, never fetch it
    for name in (tmp_path / "absent.pt", "openai"):
        with pytest.raises(ModelFileError, match="not found"):
            load_clip_checkpoint(name, ClipSpec("ViT-B-32"))


def test_checkpoint_of_another_architecture_is_refused(tmp_path):
    small = CLIP(**TINY_CFG)
    path = tmp_path / "small.safetensors"
    save_file(small.state_dict(), str(path))
    with pytest.raises(ModelFileError) as err:
        load_clip_checkpoint(path, ClipSpec("ViT-B-32"))
    assert "does not fit architecture 'ViT-B-32'" in str(err.value)
    assert "--arch" in str(err.value)


def test_damaged_checkpoint_is_refused(tmp_path):
    path = tmp_path / "damaged.pt"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ModelFileError):
        load_clip_checkpoint(path, ClipSpec("ViT-B-32"))


def test_unknown_architecture_is_named(tmp_path):
    path = tmp_path / "x.pt"
    path.write_bytes(b"x")
    with pytest.raises(ModelFileError, match="unknown open_clip architecture 'ViT-Q-99'"):
        load_clip_checkpoint(path, ClipSpec("ViT-Q-99"))


@pytest.fixture
def tiny_folder(tmp_path):
    torch.manual_seed(1)
    model = CLIP(**TINY_CFG).eval()
    folder = tmp_path / "tiny-clip"
    save_clip_folder(model, TINY_CFG, ClipSpec("tiny"), folder, name="tiny")
    return model, folder


def test_model_folder_round_trips_with_manifest(tiny_folder):
    model, folder = tiny_folder
    loaded = load_clip_folder(folder)
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(loaded.model.encode_image(x), model.encode_image(x))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"]["open_clip_model.safetensors"] == loaded.sha256
    assert manifest["clip_spec"]["interpolation"] == "bicubic"


def test_tampered_folder_is_refused(tiny_folder):
    _, folder = tiny_folder
    weights = folder / "open_clip_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="open_clip_model.safetensors' has sha256"):
        load_clip_folder(folder)


def test_folder_without_manifest_is_refused(tiny_folder):
    _, folder = tiny_folder
    (folder / "manifest.json").unlink()
    with pytest.raises(ModelFileError, match="manifest not found"):
        load_clip_folder(folder)


def test_hub_is_switched_off():
    import os

    import station  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"
