"""Check B: the second opinion. Every kind answers with probabilities over the station's classes.

Kinds:
- `demo_cnn`: the bundled CNN (or any PartCNN folder), trained with no CLIP parts;
- `linear_probe`: a linear classifier on frozen CLIP image features. It shares the
  foundation model with check A, so an attack on that model reaches both: the
  self-test shows why an independent check matters;
- `torchscript` / `onnx`: a user-supplied model with a JSON sidecar naming its classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from ..fileio import write_json_atomic
from .clip_store import LoadedClip
from .cnn_store import load_cnn_folder
from .files import ModelFileError, require_file, sha256_file
from .preprocess import OPENAI_MEAN, OPENAI_STD
from .prompted import PromptedVisionEncoder


class SecondCheck(Protocol):
    kind: str
    sha256: str
    image_size: int
    mean: tuple
    std: tuple

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Normalised N x 3 x S x S (its own size, mean and std) -> N x station classes."""


def _class_columns(model_keys: list[str], station_keys: list[str], path: Path) -> list[int]:
    missing = [k for k in station_keys if k not in model_keys]
    if missing:
        raise ModelFileError(
            path,
            f"the second-check model knows no class {', '.join(missing)} (it knows {', '.join(model_keys)})",
            "Choose a second-check model trained on the station's classes, or adjust the class keys in the settings.",
        )
    return [model_keys.index(k) for k in station_keys]


class CnnCheck:
    kind = "demo_cnn"

    def __init__(self, folder: Path | str, station_keys: list[str], device="cpu"):
        loaded = load_cnn_folder(folder)
        self.device = torch.device(device)
        self.model = loaded.model.to(self.device)
        self.sha256, self.path = loaded.sha256, loaded.path
        self.mean, self.std = loaded.mean, loaded.std
        self.image_size = loaded.model.image_size
        self.columns = _class_columns(loaded.class_keys, station_keys, loaded.path)

    @torch.inference_mode()
    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.model(x.to(self.device)).float()
        return logits[:, self.columns].softmax(dim=-1).cpu()


@dataclass
class LinearProbeFile:
    weight: torch.Tensor  # classes x embed_dim
    bias: torch.Tensor
    class_keys: list[str]
    base_model_sha256: str


def save_linear_probe(probe: LinearProbeFile, path: Path | str, **metadata) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"weight": probe.weight.contiguous(), "bias": probe.bias.contiguous()}, str(path))
    write_json_atomic(path.with_suffix(".json"), {
        "kind": "linear_probe", "class_keys": probe.class_keys, "base_model_sha256": probe.base_model_sha256,
        "weights_sha256": sha256_file(path), **metadata,
    })


def train_linear_probe(clip: LoadedClip, x: torch.Tensor, labels: torch.Tensor, class_keys: list[str],
                       epochs: int = 200, lr: float = 0.01, weight_decay: float = 1e-4, seed: int = 0) -> LinearProbeFile:
    """Logistic regression on frozen, normalised CLIP image features (x: normalised model input)."""
    torch.manual_seed(seed)
    encoder = PromptedVisionEncoder(clip.model.visual)
    with torch.inference_mode():
        feats = torch.cat([F.normalize(encoder(x[i : i + 256]).embedding.float(), dim=-1) for i in range(0, len(x), 256)])
    feats = feats.clone()
    layer = torch.nn.Linear(feats.shape[1], len(class_keys))
    opt = torch.optim.AdamW(layer.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        loss = F.cross_entropy(layer(feats) * 10.0, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return LinearProbeFile(layer.weight.detach() * 10.0, layer.bias.detach() * 10.0, class_keys, clip.sha256)


class LinearProbeCheck:
    kind = "linear_probe"

    def __init__(self, path: Path | str, clip: LoadedClip, station_keys: list[str], device="cpu"):
        path = require_file(path, "linear probe weights")
        meta_path = require_file(Path(path).with_suffix(".json"), "linear probe description")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found = sha256_file(path)
        if found != meta.get("weights_sha256"):
            raise ModelFileError(path, f"weights have sha256 {found}, expected {meta.get('weights_sha256')}",
                                 "The probe file was changed; retrain it with `station models train-probe`.")
        if meta.get("base_model_sha256") != clip.sha256:
            raise ModelFileError(path, f"probe was trained on CLIP {meta.get('base_model_sha256', '?')[:12]}, "
                                       f"the station runs {clip.sha256[:12]}",
                                 "Retrain the probe on the station's CLIP model.")
        tensors = load_file(str(path))
        self.device = torch.device(device)
        cols = _class_columns(meta["class_keys"], station_keys, path)
        self.weight = tensors["weight"][cols].to(self.device)
        self.bias = tensors["bias"][cols].to(self.device)
        self.encoder = PromptedVisionEncoder(clip.model.visual).to(self.device)
        self.sha256, self.path = found, path
        self.mean, self.std, self.image_size = clip.spec.mean, clip.spec.std, clip.image_size

    @torch.inference_mode()
    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        feats = F.normalize(self.encoder(x.to(self.device)).embedding.float(), dim=-1)
        return (feats @ self.weight.T + self.bias).softmax(dim=-1).cpu()


def _sidecar(path: Path) -> dict:
    side = path.with_suffix(".json")
    require_file(side, "model description (JSON beside the model: class_keys, image_size, mean, std)")
    meta = json.loads(side.read_text(encoding="utf-8"))
    if "class_keys" not in meta:
        raise ModelFileError(side, "no 'class_keys' list", "List the model's output classes in order, by station class key.")
    return meta


class TorchScriptCheck:
    kind = "torchscript"

    def __init__(self, path: Path | str, station_keys: list[str], device="cpu"):
        path = require_file(path, "TorchScript model")
        meta = _sidecar(path)
        self.device = torch.device(device)
        try:
            self.model = torch.jit.load(str(path), map_location=self.device).eval()
        except Exception as e:
            raise ModelFileError(path, f"not a TorchScript model ({e})"[:300], "Export it with torch.jit.script or torch.jit.trace.") from e
        self.columns = _class_columns(meta["class_keys"], station_keys, path)
        self.sha256, self.path = sha256_file(path), path
        self.image_size = int(meta.get("image_size", 224))
        self.mean = tuple(meta.get("mean", OPENAI_MEAN))
        self.std = tuple(meta.get("std", OPENAI_STD))

    @torch.inference_mode()
    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x.to(self.device)).float()[:, self.columns].softmax(dim=-1).cpu()


class OnnxCheck:
    kind = "onnx"

    def __init__(self, path: Path | str, station_keys: list[str], device="cpu"):
        path = require_file(path, "ONNX model")
        meta = _sidecar(path)
        try:
            import onnxruntime
        except ImportError as e:
            raise ModelFileError(path, "onnxruntime is not installed", "Install the ONNX extra: pip install 'inspection-station[onnx]'.") from e
        try:
            self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as e:
            raise ModelFileError(path, f"not a readable ONNX model ({e})"[:300], "Export the model again with torch.onnx.export.") from e
        self.input_name = self.session.get_inputs()[0].name
        self.columns = _class_columns(meta["class_keys"], station_keys, path)
        self.sha256, self.path = sha256_file(path), path
        self.image_size = int(meta.get("image_size", 224))
        self.mean = tuple(meta.get("mean", OPENAI_MEAN))
        self.std = tuple(meta.get("std", OPENAI_STD))

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        logits = torch.from_numpy(self.session.run(None, {self.input_name: x.cpu().numpy()})[0]).float()
        return logits[:, self.columns].softmax(dim=-1)


# ---------------------------------------------------------------- the loaders station.models.check_b_kinds names
def open_cnn(path: Path | None, clip: LoadedClip, station_keys: list[str], device="cpu") -> CnnCheck:
    from ..paths import demo_models_dir

    return CnnCheck(path or demo_models_dir() / "cnn", station_keys, device)


def open_linear_probe(path: Path, clip: LoadedClip, station_keys: list[str], device="cpu") -> LinearProbeCheck:
    return LinearProbeCheck(path, clip, station_keys, device)


def open_torchscript(path: Path, clip: LoadedClip, station_keys: list[str], device="cpu") -> TorchScriptCheck:
    return TorchScriptCheck(path, station_keys, device)


def open_onnx(path: Path, clip: LoadedClip, station_keys: list[str], device="cpu") -> OnnxCheck:
    return OnnxCheck(path, station_keys, device)
