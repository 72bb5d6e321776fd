"""Save and load the second-check CNN as a model folder (config + safetensors + manifest)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from safetensors.torch import load_file, save_file

from .cnn import PartCNN
from ..fileio import write_json_atomic
from .files import ModelFileError, read_or_refuse, verify_manifest, write_manifest

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"


@dataclass
class LoadedCnn:
    model: PartCNN
    class_keys: list[str]  # output index -> class key, e.g. "washer/scratch"
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    sha256: str
    path: Path


def save_cnn_folder(model: PartCNN, class_keys: list[str], mean, std, folder: Path | str, **metadata) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(folder / WEIGHTS_NAME))
    write_json_atomic(
        folder / CONFIG_NAME,
        {"architecture": "PartCNN", **model.config, "class_keys": class_keys, "mean": list(mean), "std": list(std)},
    )
    return write_manifest(folder, [CONFIG_NAME, WEIGHTS_NAME], kind="part_cnn", **metadata)


def load_cnn_folder(folder: Path | str) -> LoadedCnn:
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(folder, "model folder not found", "Check the path in the station settings.")
    manifest = verify_manifest(folder)
    with read_or_refuse(folder / CONFIG_NAME, "second-check CNN configuration"):
        cfg = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
        if cfg.get("architecture") != "PartCNN":
            raise ModelFileError(folder / CONFIG_NAME, f"unknown architecture {cfg.get('architecture')!r}",
                                 "This folder is not a second-check CNN; check the station settings.")
        model = PartCNN(cfg["num_classes"], cfg["width"], cfg["image_size"])
        class_keys, mean, std = list(cfg["class_keys"]), tuple(cfg["mean"]), tuple(cfg["std"])
    with read_or_refuse(folder / WEIGHTS_NAME, "second-check CNN weights"):
        state = load_file(str(folder / WEIGHTS_NAME))
    try:
        model.load_state_dict(state)
    except RuntimeError as e:
        raise ModelFileError(folder / WEIGHTS_NAME, f"weights do not fit the configured CNN ({str(e)[:300]})",
                             "Restore the model folder from its source.") from e
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return LoadedCnn(model, class_keys, mean, std, manifest["files"][WEIGHTS_NAME], folder / WEIGHTS_NAME)
