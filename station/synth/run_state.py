"""A demo training run's saved progress: an interrupted run (a stop, a reboot, a power cut) goes on where it
stopped instead of starting again, which matters when the run takes hours on a station's CPU.

Kept in a hidden folder beside the output, named after the recipe (another recipe starts afresh): the rendered
pool, each training's newest checkpoint and each finished model. A checkpoint holds the weights, the optimiser,
the batch order and every random stream, so a resumed run ends with the same weights as one never stopped.
Every file is written under a temporary name and renamed (station.fileio): a kill mid-write leaves the previous one. A file
that cannot be read back, or progress saved by another version of the station or of torch (whose arithmetic
may differ), is set aside and that part starts afresh, said in the progress; `restart` discards it all.
"""

from __future__ import annotations

import glob
import hashlib
import json
import platform
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from .. import __version__
from ..errors import InvalidInput
from ..fileio import write_atomic, write_json_atomic
from ..progress import QUIET, Progress

CHECKPOINT_EVERY_S = 120.0  # at most this much training is lost to a kill
MADE_WITH = {"station": __version__, "torch": torch.__version__}


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def refuse_unless_replaceable(out_dir: Path) -> None:
    """A run replaces its output folder whole once it has finished: refuse, before any work, a folder that holds
    something other than models a run wrote (their manifest.json), so a mistyped --out cannot wipe it."""
    if out_dir.is_file() or (out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file()):
        raise InvalidInput(f"{out_dir} holds files that are not models a training run wrote, and the run would "
                           "replace it: name an empty or new folder with --out")


@contextmanager
def replacing(out_dir: Path) -> Iterator[Path]:
    """A staging folder beside `out_dir` to write a run's output into; it replaces `out_dir` whole when the block
    ends, and is removed if the block fails, so a half-written output never takes the place of a whole one."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staging.chmod(0o755)  # a shipped folder, readable by the station's service user
    try:
        yield staging
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def machine_facts() -> dict:
    """What a manifest says of the machine that trained it (its arithmetic may differ on another)."""
    return {"cpu_threads": torch.get_num_threads(), "platform": platform.platform(), "torch": torch.__version__}


class RunState:
    def __init__(self, out_dir: Path, recipe: dict, every_s: float = CHECKPOINT_EVERY_S, progress: Progress = QUIET,
                 restart: bool = False):
        digest = hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode()).hexdigest()[:12]
        self.dir = out_dir.parent / f".{out_dir.name}.run-{digest}"
        self.every_s, self.progress = every_s, progress
        self.resumed: dict[str, int | str] = {}  # what an earlier run had done: "render", "clip", "cnn" -> a step or "done"
        made_with = self.dir / "made-with.json"
        saved_by = _read_json(made_with)
        if self.dir.exists() and (restart or saved_by not in (None, MADE_WITH)):
            self.say(f"saved progress in {self.dir} set aside: "
                     + ("--restart" if restart else f"made by {saved_by}, this is {MADE_WITH}"))
            shutil.rmtree(self.dir, ignore_errors=True)
        if not self.dir.exists():
            write_json_atomic(made_with, MADE_WITH)

    def say(self, text: str) -> None:
        self.progress.report(0, 0, text)

    def read_back(self, what: str, paths: list[Path], read: Callable[[], object]):
        """What an earlier run saved, or None (nothing saved, or saved but unreadable: then set aside, said)."""
        if not all(p.exists() for p in paths):
            return None
        try:
            value = read()
        except Exception as e:  # a disk error, a file cut short outside the station: that part starts afresh
            self.say(f"{what}: the saved file could not be read ({e}); starting it afresh")
            for p in paths:
                p.unlink(missing_ok=True)
            return None
        self.say(f"{what}: taken up from a stopped run ({self.dir})")
        return value

    def pool(self, render: Callable[[], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """The rendered training pool: read back (memory-mapped) when an earlier run rendered it."""
        images_path, labels_path = self.dir / "pool-images.npy", self.dir / "pool-labels.npy"
        saved = self.read_back("render", [images_path, labels_path],  # labels are written last
                               lambda: (np.load(images_path, mmap_mode="r"), np.load(labels_path)))
        if saved is not None and len(saved[0]) == len(saved[1]):
            self.resumed["render"] = "done"
            return saved
        images, labels = render()
        write_atomic(images_path, lambda f: np.save(f, images))  # to a file object: np.save names no ".npy"
        write_atomic(labels_path, lambda f: np.save(f, labels))
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
        weights = self.run.read_back(self.name, [self._path("finished")],
                                     lambda: torch.load(self._path("finished"), weights_only=True))
        if weights is not None:
            self.run.resumed[self.name] = "done"
        return weights

    def finish(self, weights: dict) -> None:
        write_atomic(self._path("finished"), lambda f: torch.save(weights, f))
        self._path("checkpoint").unlink(missing_ok=True)

    def latest(self) -> dict | None:
        state = self.run.read_back(self.name, [self._path("checkpoint")],
                                   lambda: torch.load(self._path("checkpoint"), weights_only=True))
        if state is not None:
            self.run.resumed[self.name] = int(state["batches"]["step"])
        return state

    def due(self) -> bool:
        return time.monotonic() - self._saved_at >= self.run.every_s

    def save(self, state: dict) -> None:
        write_atomic(self._path("checkpoint"), lambda f: torch.save(state, f))
        self._saved_at = time.monotonic()
