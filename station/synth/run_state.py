"""A demo training run's saved progress: an interrupted run (a stop, a reboot, a power cut) goes on where it
stopped instead of starting again, which matters when the run takes hours on a station's CPU.

Kept in a hidden folder beside the output, named after the recipe (another recipe starts afresh): the rendered
pool, each training's newest checkpoint and each finished model. A checkpoint holds the weights, the optimiser,
the batch order and every random stream, so a resumed run ends with the same weights as one never stopped.
Every file is written under a temporary name and renamed: a kill mid-write leaves the previous one.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch

CHECKPOINT_EVERY_S = 120.0  # at most this much training is lost to a kill


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _save_array(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:  # a file object: np.save would add ".npy" to the temporary name
        np.save(f, array)


class RunState:
    def __init__(self, out_dir: Path, recipe: dict, every_s: float = CHECKPOINT_EVERY_S):
        digest = hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode()).hexdigest()[:12]
        self.dir = out_dir.parent / f".{out_dir.name}.run-{digest}"
        self.every_s = every_s
        self.resumed: dict[str, int | str] = {}  # what an earlier run had done: "render", "clip", "cnn" -> a step or "done"

    def pool(self, render: Callable[[], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """The rendered training pool: read back (memory-mapped) when an earlier run rendered it."""
        images_path, labels_path = self.dir / "pool-images.npy", self.dir / "pool-labels.npy"
        if labels_path.exists() and images_path.exists():  # labels are written last
            self.resumed["render"] = "done"
            return np.load(images_path, mmap_mode="r"), np.load(labels_path)
        images, labels = render()
        self.dir.mkdir(parents=True, exist_ok=True)
        _replace_atomically(images_path, lambda p: _save_array(p, images))
        _replace_atomically(labels_path, lambda p: _save_array(p, labels))
        return images, labels

    def part(self, name: str) -> Checkpoints:
        return Checkpoints(self, name)

    def clear(self) -> None:
        """Once the models are written: this run's saved progress, and any other recipe's stopped run into the
        same folder (it would replace these models; its pool alone can be gigabytes)."""
        for stale in self.dir.parent.glob(glob.escape(self.dir.name.rsplit("-", 1)[0]) + "-*"):  # "[" in a name
            shutil.rmtree(stale, ignore_errors=True)


class Checkpoints:
    """One training's checkpoints (`clip`, `cnn`): the newest while it runs, its weights once finished."""

    def __init__(self, run: RunState, name: str):
        self.run, self.name = run, name
        self._saved_at = time.monotonic()

    def _path(self, what: str) -> Path:
        return self.run.dir / f"{self.name}-{what}.pt"

    def finished(self) -> dict | None:
        path = self._path("finished")
        if not path.exists():
            return None
        self.run.resumed[self.name] = "done"
        return torch.load(path, weights_only=True)

    def finish(self, weights: dict) -> None:
        self.run.dir.mkdir(parents=True, exist_ok=True)
        _replace_atomically(self._path("finished"), lambda p: torch.save(weights, p))
        self._path("checkpoint").unlink(missing_ok=True)

    def latest(self) -> dict | None:
        path = self._path("checkpoint")
        if not path.exists():
            return None
        state = torch.load(path, weights_only=True)
        self.run.resumed[self.name] = int(state["batches"]["step"])
        return state

    def due(self) -> bool:
        return time.monotonic() - self._saved_at >= self.run.every_s

    def save(self, state: dict) -> None:
        self.run.dir.mkdir(parents=True, exist_ok=True)
        _replace_atomically(self._path("checkpoint"), lambda p: torch.save(state, p))
        self._saved_at = time.monotonic()
