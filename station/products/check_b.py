"""Check B for a product: a CNN trained on the product's own photos, with a good-parts anomaly score.

Independent of check A by construction: its weights start from the bundled check-B start, a part CNN trained on
drawn parts of ten families (station.synth.check_b_start; never from CLIP), it sees pixels only, and nothing of CLIP
(weights, features, embeddings) enters its training. The anomaly score is a patch memory over this CNN's own
mid-level features of good training photos (as PatchCore does): a part whose worst patch lies far from every good
patch seen is unusual, so a defect kind without photos goes to review, not PASS. The memory reads blocks the
product's training keeps as the start made them (`kept_blocks`): trained on the product's classes they would learn
to ignore what those classes never needed, which is what the memory is there to see.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from ..models.cnn import PartCNN
from ..models.cnn_store import load_cnn_folder, save_cnn_folder
from ..models.second_check import CnnCheck
from ..models.files import ModelFileError, read_or_refuse, require_file, sha256_file, write_manifest
from ..models.preprocess import OPENAI_MEAN, OPENAI_STD, resize_square, to_model_input
from ..paths import check_b_start_dir
from ..errors import InvalidInput
from ..messages import Message
from ..progress import QUIET, Progress, stop_if_asked
from .recipe import CheckBRecipe  # noqa: F401  (its home is torch-free; kept importable from here)

# channels-last: oneDNN's convolutions make a training pass about 1.3x faster on a CPU (bench/check_b_training.py)
TRAINING_LAYOUT = torch.channels_last
ANOMALY_NAME = "anomaly.safetensors"
ANOMALY_FORMAT = "station-anomaly/1"


def model_inputs(images: list[np.ndarray], size: int) -> torch.Tensor:
    """Photos as the station will see them: the same square resize, then 0..1 floats N x 3 x S x S."""
    return torch.from_numpy(np.stack([resize_square(im, size) for im in images])).permute(0, 3, 1, 2).float() / 255


def _augment(x: torch.Tensor, recipe: CheckBRecipe, gen: torch.Generator) -> torch.Tensor:
    """Random shift, rotation, light and (if allowed) flips, each photo its own, in one batched resample."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(recipe.rotate_degrees)
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * recipe.shift * 2  # grid units span -1..1
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    if recipe.flips:
        theta[:, 0, :2] *= torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0).view(n, 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    gain = 1 + (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * recipe.light
    offset = (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * recipe.light / 2
    return (x * gain + offset).clamp(0, 1)


def _normalised(x: torch.Tensor) -> torch.Tensor:
    """0..1 photos after augmentation -> the model's input (what `to_model_input` does to unaugmented ones)."""
    return (x - torch.tensor(OPENAI_MEAN).view(1, 3, 1, 1)) / torch.tensor(OPENAI_STD).view(1, 3, 1, 1)


def _start(num_classes: int, recipe: CheckBRecipe) -> PartCNN:
    """A new CNN with the start's convolutions; `start_weights_sha256` names the start (checked as it loaded)."""
    folder = Path(recipe.start_folder) if recipe.start_folder else check_b_start_dir()
    start = load_cnn_folder(folder) if recipe.pretrained else None
    model = PartCNN(num_classes, start.model.config["width"] if start else 16, recipe.image_size)
    if start is not None:
        model.features.load_state_dict(start.model.features.state_dict())
    model.start_weights_sha256 = start.sha256 if start else None
    return model


def train_classifier(images: list[np.ndarray], labels: list[int], num_classes: int, recipe: CheckBRecipe,
                     progress: Progress = QUIET) -> PartCNN:
    """The product's CNN, trained on `images` (the training part only) with class-balanced loss."""
    torch.manual_seed(recipe.seed)
    gen = torch.Generator().manual_seed(recipe.seed)
    x_all = model_inputs(images, recipe.image_size)
    y_all = torch.as_tensor(labels, dtype=torch.long)
    counts = torch.bincount(y_all, minlength=num_classes).clamp(min=1).float()
    weights = counts.sum() / (num_classes * counts)
    model = _start(num_classes, recipe).to(memory_format=TRAINING_LAYOUT)
    kept = model.features[: recipe.kept_blocks] if recipe.pretrained else model.features[:0]
    for p in model.parameters():
        p.requires_grad_(True)
    for p in kept.parameters():
        p.requires_grad_(False)
    steps_per_epoch = max(1, math.ceil(len(x_all) / recipe.batch))
    total = recipe.epochs * steps_per_epoch
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=recipe.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=total, pct_start=0.15)
    model.train()
    kept.eval()  # the start's batch statistics too
    step = 0
    for epoch in range(recipe.epochs):
        order = torch.randperm(len(x_all), generator=gen)
        for k in range(0, len(order), recipe.batch):
            stop_if_asked(progress, "check B training")
            idx = order[k : k + recipe.batch]
            x = _normalised(_augment(x_all[idx], recipe, gen)).contiguous(memory_format=TRAINING_LAYOUT)
            loss = F.cross_entropy(model(x), y_all[idx], weight=weights)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
        progress.report(epoch + 1, recipe.epochs, Message("onboarding.check_b_pass", epoch=epoch + 1,
                                                          epochs=recipe.epochs, loss=round(loss.item(), 3)))
    model = model.to(memory_format=torch.contiguous_format).eval()  # saved and run as any other CNN
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def _patches(second: torch.Tensor, third: torch.Tensor) -> torch.Tensor:
    f = F.avg_pool2d(torch.cat([F.avg_pool2d(second, 2), third], dim=1), 3, stride=1, padding=1)
    return f.flatten(2).transpose(1, 2)


def patch_features(model: PartCNN, x: torch.Tensor) -> torch.Tensor:
    """N x 3 x S x S normalised -> N x P x C: each patch's features from the second and third blocks on the third's
    grid (1/8 of the side: 256 patches at 128 px), averaged with its neighbours. Few patches and a capped memory
    keep the score to milliseconds a frame on a line."""
    second = model.features[:2](x)
    return _patches(second, model.features[2](second))


def _least_familiar(feats: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """Per image (N x P x C): the distance of its least familiar patch to the nearest row of `memory`."""
    scores = [torch.cdist(f, memory).min(dim=1).values.max() for f in feats]
    return torch.stack(scores) if scores else torch.zeros(0)


@torch.inference_mode()
def unusualness(model: PartCNN, memory: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per image: the distance of its least familiar patch to the nearest good patch in `memory`."""
    return _least_familiar(patch_features(model, x), memory)


@torch.inference_mode()
def logits_and_unusualness(model: PartCNN, memory: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The classifier's logits and `unusualness` from one pass through the blocks (the memory reads the second
    and third blocks on the way to the head)."""
    second = model.features[:2](x)
    third = model.features[2](second)
    logits = model.head(model.features[3](third).mean(dim=(2, 3)))
    return logits, _least_familiar(_patches(second, third), memory)


@dataclass
class AnomalyModel:
    memory: torch.Tensor  # M x C
    threshold: float  # scores above it are unusual
    calibration: dict

    def save(self, path: Path) -> str:
        save_file({"memory": self.memory.contiguous()}, str(path),
                  metadata={"format": ANOMALY_FORMAT, "threshold": repr(self.threshold),
                            "calibration": json.dumps(self.calibration, sort_keys=True)})
        return sha256_file(path)


def fit_anomaly(model: PartCNN, good_train: list[np.ndarray], good_calibration: list[np.ndarray],
                recipe: CheckBRecipe) -> AnomalyModel:
    """The memory from good training photos; the threshold from good calibration photos (never held-out ones)."""
    with torch.inference_mode():
        feats = torch.cat([patch_features(model, to_model_input(good_train[i : i + 64], size=recipe.image_size))
                           .flatten(0, 1) for i in range(0, len(good_train), 64)])
    if feats.shape[0] > recipe.memory_patches:
        keep = torch.randperm(feats.shape[0], generator=torch.Generator().manual_seed(recipe.seed))[: recipe.memory_patches]
        feats = feats[keep]
    scores = unusualness(model, feats, to_model_input(good_calibration, size=recipe.image_size)).numpy()
    threshold = float(np.quantile(scores, 1 - recipe.anomaly_false_review)) if len(scores) else float("inf")
    calibration = {"good_photos": int(len(scores)), "target_false_review": recipe.anomaly_false_review,
                   "false_review": float((scores > threshold).mean()) if len(scores) else 0.0,
                   "scores": [round(float(s), 4) for s in sorted(scores)]}
    return AnomalyModel(feats.contiguous(), threshold, calibration)


def save_check_b(model: PartCNN, anomaly: AnomalyModel, class_keys: list[str], folder: Path,
                 recipe: CheckBRecipe) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    anomaly.save(folder / ANOMALY_NAME)
    save_cnn_folder(model, class_keys, OPENAI_MEAN, OPENAI_STD, folder, recipe=asdict(recipe))
    manifest = json.loads((folder / "manifest.json").read_text())
    return write_manifest(folder, [*manifest["files"], ANOMALY_NAME], kind="product_cnn", recipe=asdict(recipe),
                          start_weights_sha256=getattr(model, "start_weights_sha256", None))  # its provenance


def load_anomaly(folder: Path, channels: int) -> AnomalyModel:
    path = require_file(Path(folder) / ANOMALY_NAME, "check B's good-parts memory")
    with read_or_refuse(path, "check B's good-parts memory"):
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        memory = load_file(str(path))["memory"].float()
        threshold = float(meta.get("threshold", "nan"))
        calibration = json.loads(meta.get("calibration", "{}"))
    if meta.get("format") != ANOMALY_FORMAT:
        raise ModelFileError(path, f"unknown format {meta.get('format')!r}", f"Expected {ANOMALY_FORMAT}; "
                             "onboard the product again (station product new).")
    if memory.ndim != 2 or memory.shape[1] != channels or not 0 < memory.shape[0] <= 200_000 \
            or not bool(torch.isfinite(memory).all()) or not math.isfinite(threshold) or threshold < 0:
        raise ModelFileError(path, f"the good-parts memory is damaged (shape {tuple(memory.shape)}, threshold "
                             f"{threshold})", "Onboard the product again (station product new).")
    return AnomalyModel(memory, threshold, calibration)


class ProductCnnCheck(CnnCheck):
    """Check B of a product: class probabilities, and whether each part is unlike every good part it learned."""

    kind = "product_cnn"

    def __init__(self, folder: Path | str, station_keys: list[str], device="cpu"):
        super().__init__(folder, station_keys, device)  # checks every file of the manifest, the memory included
        channels = sum(self.model.features[i][4].num_features for i in (1, 2))  # the blocks' last batch norms
        self.anomaly = load_anomaly(folder, channels)
        self.anomaly.memory = self.anomaly.memory.to(self.device)

    @torch.inference_mode()
    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        return self.assess(x)[0]

    @torch.inference_mode()
    def assess(self, x: torch.Tensor) -> tuple[torch.Tensor, list[bool]]:
        """(probabilities over the station's classes, unusual per image)."""
        logits, scores = logits_and_unusualness(self.model, self.anomaly.memory, x.to(self.device))
        logits = logits.float()
        unusual = [bool(not math.isfinite(s) or s > self.anomaly.threshold) for s in scores.tolist()]
        return logits[:, self.columns].softmax(dim=-1).cpu(), unusual


def open_product_cnn(path, clip, class_keys, device) -> ProductCnnCheck:
    """The check-B kind "product_cnn" (station.models.check_b_kinds): a product's check_b folder."""
    return ProductCnnCheck(path, class_keys, device)
