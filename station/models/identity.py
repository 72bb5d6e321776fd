"""Which foundation model a station runs, read from hashes alone: no torch, no model load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..config import StationConfig
from ..paths import demo_models_dir
from .files import read_manifest, require_file, sha256_file

CLIP_CONFIG_NAME = "open_clip_config.json"
CLIP_WEIGHTS_NAME = "open_clip_model.safetensors"


def folder_sha256(folder: Path | str) -> str:
    """The identity of a model folder's weights, as recorded in its manifest."""
    return read_manifest(Path(folder))["files"][CLIP_WEIGHTS_NAME]


def foundation_sha256(cfg: StationConfig) -> str:
    """The identity of the configured CLIP without loading it (hashes are checked when it loads)."""
    target = cfg.model.clip
    path = demo_models_dir() / "clip" if target == "demo" else Path(target).expanduser()
    return folder_sha256(path) if path.is_dir() else sha256_file(require_file(path, "CLIP checkpoint"))


def class_texts_sha256(classes: list[tuple[str, list[str] | tuple[str, ...]]]) -> str:
    """Names check A's text classifier: every class key and its prompt texts, in order. A prompt set tuned
    against one classifier is refused once the station's texts change."""
    payload = json.dumps([[key, list(texts)] for key, texts in classes])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def station_texts_sha256(cfg: StationConfig) -> str:
    return class_texts_sha256([(c.key, c.prompts) for c in cfg.classes])


def encoder_shape(cfg: StationConfig) -> tuple[int, int]:
    """(blocks, width) of the configured CLIP's vision transformer, from its config alone (prompt sets must fit)."""
    import json

    target = cfg.model.clip
    path = demo_models_dir() / "clip" if target == "demo" else Path(target).expanduser()
    if path.is_dir():
        vision = json.loads((path / CLIP_CONFIG_NAME).read_text(encoding="utf-8"))["model_cfg"]["vision_cfg"]
    else:
        import open_clip

        vision = (open_clip.get_model_config(cfg.model.clip_arch) or {}).get("vision_cfg", {})
    return int(vision.get("layers", 0)), int(vision.get("width", 0))
