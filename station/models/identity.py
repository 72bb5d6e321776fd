"""Which foundation model a station runs, read from hashes alone: no torch, no model load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..config import StationConfig
from ..paths import data_path, demo_models_dir
from .files import read_manifest, require_file, sha256_file

CLIP_CONFIG_NAME = "open_clip_config.json"
CLIP_WEIGHTS_NAME = "open_clip_model.safetensors"


def folder_sha256(folder: Path | str) -> str:
    """The identity of a model folder's weights, as recorded in its manifest."""
    return read_manifest(Path(folder))["files"][CLIP_WEIGHTS_NAME]


def model_location(target: str, data_dir: Path | str | None) -> Path:
    """Where a model the settings name is: "demo", a path relative to the data folder (what the station writes,
    so a moved or copied folder keeps working), or an absolute path."""
    if target == "demo":
        return demo_models_dir() / "clip"
    path = Path(target).expanduser()
    return data_path(data_dir, str(path)) if data_dir is not None else path


def foundation_sha256(cfg: StationConfig, data_dir: Path | str | None = None) -> str:
    """The identity of the configured CLIP without loading it (hashes are checked when it loads)."""
    path = model_location(cfg.model.clip, data_dir)
    return folder_sha256(path) if path.is_dir() else sha256_file(require_file(path, "CLIP checkpoint"))


def class_texts_sha256(classes: list[tuple[str, list[str] | tuple[str, ...]]]) -> str:
    """Names check A's text classifier: every class key and its prompt texts, in order. A prompt set tuned
    against one classifier is refused once the station's texts change."""
    payload = json.dumps([[key, list(texts)] for key, texts in classes])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def station_texts_sha256(cfg: StationConfig) -> str:
    return class_texts_sha256([(c.key, c.prompts) for c in cfg.classes])


def encoder_shape(cfg: StationConfig, data_dir: Path | str | None = None) -> tuple[int, int]:
    """(blocks, width) of the configured CLIP's vision transformer, from its config alone (prompt sets must fit)."""
    import json

    path = model_location(cfg.model.clip, data_dir)
    if path.is_dir():
        vision = json.loads((path / CLIP_CONFIG_NAME).read_text(encoding="utf-8"))["model_cfg"]["vision_cfg"]
    else:
        import open_clip

        vision = (open_clip.get_model_config(cfg.model.clip_arch) or {}).get("vision_cfg", {})
    return int(vision.get("layers", 0)), int(vision.get("width", 0))
