"""The gate's reference bank: embeddings and edge layouts of frames known to show this station's parts,
with thresholds calibrated on held-out frames. Stored as safetensors with a JSON header, like a prompt set."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ..models.files import ModelFileError, require_file, sha256_file

FORMAT = "station-gate-bank/1"
MAX_FRAMES = 20_000  # a bank is read whole into memory; this caps a hostile or runaway file


@dataclass
class BankMeta:
    base_model_sha256: str  # embeddings are this frozen CLIP's (without RVPT prompts unless `prompted`)
    neighbours: int  # k of the k-th nearest neighbour distance
    thresholds: dict  # {"appearance": float, "layout": float}
    calibration: dict  # target, held-out frames, false-review share per signal and together
    sources: dict  # how to make the same bank again: generated frames and reviewed inspection ids
    created_by: str = ""
    created_at: str = ""
    # the embeddings are the prompted encoder's: a product's bank, built with the prompts sealed beside it, so a
    # frame runs the encoder once for check A and the gate (False: the frozen CLIP's, without prompts)
    prompted: bool = False


@dataclass
class ReferenceBank:
    embeddings: torch.Tensor  # N x D, unit length
    layouts: torch.Tensor  # N x GRID*GRID, unit length
    meta: BankMeta
    path: Path | None = field(default=None)

    def save(self, path: Path | str) -> str:
        """Write atomically; returns the file's sha256."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        save_file({"embeddings": self.embeddings.float().contiguous(), "layouts": self.layouts.float().contiguous()},
                  str(tmp), metadata={"format": FORMAT, "meta": json.dumps(asdict(self.meta), sort_keys=True)})
        tmp.replace(path)
        self.path = path
        return sha256_file(path)


def load_bank(path: Path | str, expected_sha256: str | None = None, model_sha256: str | None = None) -> ReferenceBank:
    """Read and check a bank: its hash against its record, its model against the station's, its shapes."""
    path = require_file(path, "input gate reference bank")
    if expected_sha256 and sha256_file(path) != expected_sha256:
        raise ModelFileError(path, "the reference bank changed after it was built",
                             "Rebuild it: station gate build (manager).")
    try:
        with safe_open(str(path), framework="pt") as f:
            header = f.metadata() or {}
            embeddings, layouts = f.get_tensor("embeddings"), f.get_tensor("layouts")
        meta = BankMeta(**json.loads(header["meta"]))
    except Exception as e:
        raise ModelFileError(path, f"not a readable reference bank ({e})"[:300], "Rebuild it: station gate build.") from e
    if header.get("format") != FORMAT:
        raise ModelFileError(path, f"unknown reference bank format {header.get('format')!r}", f"Expected {FORMAT}.")
    if model_sha256 and meta.base_model_sha256 != model_sha256:
        raise ModelFileError(path, f"the bank was built for CLIP {meta.base_model_sha256[:12]}, the station runs "
                                   f"{model_sha256[:12]}", "Rebuild it on this model: station gate build.")
    n = embeddings.shape[0]
    if (embeddings.ndim != 2 or layouts.ndim != 2 or layouts.shape[0] != n or not 0 < n <= MAX_FRAMES
            or not bool(torch.isfinite(embeddings).all() and torch.isfinite(layouts).all())):
        raise ModelFileError(path, f"reference bank shaped {tuple(embeddings.shape)} / {tuple(layouts.shape)} is damaged",
                             "Rebuild it: station gate build.")
    # every row is a unit vector (distances are cosine distances; a layout without any edge is all zeros) and
    # every threshold a cosine distance (0..2)
    for name, rows in (("embeddings", embeddings), ("layouts", layouts)):
        norms = rows.float().norm(dim=1)
        unit = (norms - 1).abs() <= 1e-3
        if not bool((unit | (norms == 0) if name == "layouts" else unit).all()):
            raise ModelFileError(path, f"reference bank {name} are not unit vectors (lengths {float(norms.min()):.3g} "
                                       f"to {float(norms.max()):.3g})", "Rebuild it: station gate build.")
    limits = getattr(meta, "thresholds", None) or {}
    if any(not (isinstance(v, (int, float)) and math.isfinite(v) and 0 <= v <= 2) for v in limits.values()):
        raise ModelFileError(path, f"reference bank thresholds {limits} are not cosine distances (0 to 2)",
                             "Rebuild it: station gate build.")
    return ReferenceBank(embeddings.float(), layouts.float(), meta, Path(path))


def kth_distance(queries: torch.Tensor, bank: torch.Tensor, k: int) -> torch.Tensor:
    """Cosine distance from each (unit) query to its k-th nearest (unit) bank row."""
    k = max(1, min(k, bank.shape[0]))
    return (1.0 - queries @ bank.T).topk(k, dim=1, largest=False).values[:, -1]


def calibrate(heldout_appearance: np.ndarray, heldout_layout: np.ndarray, target: float) -> tuple[dict, dict]:
    """Thresholds that send about `target` of clean held-out frames to review, split between the signals."""
    q = 1.0 - target / 2
    thresholds = {"appearance": float(np.quantile(heldout_appearance, q)), "layout": float(np.quantile(heldout_layout, q))}
    flagged_a = heldout_appearance > thresholds["appearance"]
    flagged_l = heldout_layout > thresholds["layout"]
    calibration = {"target": target, "heldout_frames": int(len(heldout_layout)),
                   "false_review_appearance": float(flagged_a.mean()), "false_review_layout": float(flagged_l.mean()),
                   "false_review": float((flagged_a | flagged_l).mean())}
    return thresholds, calibration
