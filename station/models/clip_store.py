"""Load open_clip models from local files only, with their hashes checked.

Two forms are accepted:
- a checkpoint file plus an open_clip architecture name (e.g. a real ViT-B-32);
- a model folder: `open_clip_config.json` + `open_clip_model.safetensors` + `manifest.json`.

open_clip does not carry preprocessing or the QuickGELU flag with a bare file,
so `ClipSpec` records them and passes them explicitly.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import open_clip
import torch
from safetensors.torch import save_file

from ..fileio import write_json_atomic
from .identity import CLIP_CONFIG_NAME as CONFIG_NAME, CLIP_WEIGHTS_NAME as WEIGHTS_NAME
from .files import (
    MANIFEST_NAME,
    ModelFileError,
    read_or_refuse,
    require_file,
    sha256_file,
    verify_manifest,
    verify_sha256,
    write_manifest,
)
from .preprocess import OPENAI_MEAN, OPENAI_STD



@dataclass(frozen=True)
class ClipSpec:
    """What a station must know about a CLIP besides its weights."""

    arch: str
    quick_gelu: bool = False
    mean: tuple[float, float, float] = OPENAI_MEAN
    std: tuple[float, float, float] = OPENAI_STD
    interpolation: str = "bicubic"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LoadedClip:
    model: open_clip.model.CLIP
    spec: ClipSpec
    sha256: str  # of the weights file: the identity of the model
    path: Path
    tokenizer: object = field(repr=False)

    @property
    def image_size(self) -> int:
        size = self.model.visual.image_size
        return int(size[0] if isinstance(size, (tuple, list)) else size)

    @property
    def context_length(self) -> int:
        return int(self.model.context_length)


def _open_clip_error(path: Path, arch: str, err: Exception) -> ModelFileError:
    first = str(err).strip().splitlines()[0:3]
    return ModelFileError(
        path,
        f"checkpoint does not fit architecture '{arch}' ({' '.join(first)[:400]})",
        "Check that --arch names the architecture the checkpoint was trained with "
        "(e.g. ViT-B-32 vs ViT-B-16) and that the file is a complete open_clip or OpenAI CLIP checkpoint.",
    )


@functools.lru_cache(maxsize=4)
def tokenizer(context_length: int):
    """open_clip's BPE tokenizer: reading its vocabulary is half of loading a small CLIP, and it keeps no state
    a text depends on, so one per context length serves every model."""
    return open_clip.tokenizer.SimpleTokenizer(context_length=context_length)


def _finish(model, spec: ClipSpec, sha: str, path: Path) -> LoadedClip:
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return LoadedClip(model, spec, sha, path, tokenizer(int(model.context_length)))


def load_clip_checkpoint(path: Path | str, spec: ClipSpec, sha256: str | None = None) -> LoadedClip:
    """A checkpoint file (.safetensors, .pt, .bin) for a named open_clip architecture."""
    path = require_file(path, "CLIP checkpoint")
    sha = verify_sha256(path, sha256, "CLIP checkpoint") if sha256 else sha256_file(path)
    if spec.arch not in open_clip.list_models():
        raise ModelFileError(
            path,
            f"unknown open_clip architecture '{spec.arch}'",
            f"Use one of: {', '.join(m for m in open_clip.list_models() if m.startswith('ViT'))[:300]} ...",
        )
    try:
        model = open_clip.create_model(
            spec.arch,
            pretrained=str(path),
            force_quick_gelu=spec.quick_gelu,
            require_pretrained=True,
        )
    except Exception as e:
        if _readable(path):  # a good file for another architecture
            raise _open_clip_error(path, spec.arch, e) from e
        raise ModelFileError(path, f"file cannot be read as a checkpoint ({type(e).__name__}: {e})"[:500],
                             "The file is damaged or not a model checkpoint; copy it again from its source.") from e
    return _finish(model, spec, sha, path)


def _readable(path: Path) -> bool:
    """Whether the file parses as a state dict at all (asked only after a load failed)."""
    try:
        open_clip.factory.load_state_dict(str(path), weights_only=True)
        return True
    except Exception:
        return False


def load_clip_folder(folder: Path | str) -> LoadedClip:
    """A model folder with config, safetensors weights and a manifest of sha256 hashes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(folder, "model folder not found", "Check the path in the station settings.")
    manifest = verify_manifest(folder)
    for needed in (CONFIG_NAME, WEIGHTS_NAME):
        if needed not in manifest["files"]:
            raise ModelFileError(folder / needed, "not listed in the manifest", "Restore the model folder from its source.")
    with read_or_refuse(folder / MANIFEST_NAME, "the manifest's CLIP description"):
        spec = ClipSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in manifest["clip_spec"].items()})
    with read_or_refuse(folder / CONFIG_NAME, "model configuration"):
        config = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
        model_cfg = config.get("model_cfg", {})
    weights = folder / WEIGHTS_NAME
    try:
        model = open_clip.create_model(
            "local-dir:" + str(folder), force_quick_gelu=spec.quick_gelu, require_pretrained=True
        )
    except Exception as e:
        if not _readable(weights):
            raise ModelFileError(weights, "the weights file is damaged or not a checkpoint (truncated, empty or "
                                          "another format)", "Restore the model folder from its source.") from e
        raise _open_clip_error(weights, json.dumps(model_cfg)[:120], e) from e  # weights for another architecture
    return _finish(model, spec, manifest["files"][WEIGHTS_NAME], weights)


def save_clip_folder(
    model: open_clip.model.CLIP,
    model_cfg: dict,
    spec: ClipSpec,
    folder: Path | str,
    half: bool = False,
    **metadata,
) -> dict:
    """Write a model folder that `load_clip_folder` reads back; returns its manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    save_file(state, str(folder / WEIGHTS_NAME))
    preprocess = {"mean": list(spec.mean), "std": list(spec.std), "interpolation": spec.interpolation,
                  "size": model_cfg["vision_cfg"]["image_size"], "resize_mode": "shortest"}
    write_json_atomic(folder / CONFIG_NAME, {"model_cfg": model_cfg, "preprocess_cfg": preprocess})
    return write_manifest(folder, [CONFIG_NAME, WEIGHTS_NAME], kind="open_clip", clip_spec=spec.as_dict(), **metadata)


@torch.no_grad()
def class_text_embeddings(model, tokenizer, texts_per_class: list[list[str]]) -> torch.Tensor:
    """One unit vector per class: the mean of its prompt texts' unit embeddings."""
    rows = []
    device = next(model.parameters()).device
    for texts in texts_per_class:
        emb = torch.nn.functional.normalize(model.encode_text(tokenizer(texts).to(device)), dim=-1).mean(0)
        rows.append(torch.nn.functional.normalize(emb, dim=-1))
    return torch.stack(rows)


def encode_text_classes(loaded: LoadedClip, texts_per_class: list[list[str]]) -> torch.Tensor:
    return class_text_embeddings(loaded.model, loaded.tokenizer, texts_per_class)
