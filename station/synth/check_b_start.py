"""`station demo-train --check-b-start`: the bundled start of every product's check B, from nothing but a seed.

A part CNN trained on drawn parts of every family but the unseen ones (DemoRecipe.check_b_start). A product's
check B takes its convolutions and learns the product's classes on top (station.products.check_b). It sees
pixels only: no CLIP weight, feature or embedding takes part, so check B stays independent of check A. Written,
read back and measured on held-out frames, as the demo models are (station.synth.demo_train).
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import __version__
from ..catalog import GENERATOR_VERSION
from ..fileio import write_json_atomic
from ..models.cnn import PartCNN
from ..models.cnn_store import load_cnn_folder, save_cnn_folder
from ..models.preprocess import OPENAI_MEAN, OPENAI_STD
from ..progress import QUIET, Progress
from .demo_train import heldout_sets
from .evaluate import classifier_accuracy
from .pool import render_pool
from .run_state import CHECKPOINT_EVERY_S, RunState, machine_facts, refuse_unless_replaceable, replacing
from .train import DemoRecipe, train_cnn

KIND = "check_b_start"


def train_check_b_start(out_dir: Path | str, recipe: DemoRecipe, progress: Progress = QUIET,
                        checkpoint_every_s: float = CHECKPOINT_EVERY_S, restart: bool = False) -> dict:
    """Render, train, write, read back and measure; `out_dir` is replaced only when all succeeded. A stopped run
    of the same recipe into the same folder is taken up where it stopped, unless `restart`."""
    out_dir = Path(out_dir)
    refuse_unless_replaceable(out_dir)
    run = RunState(out_dir, {**recipe.as_dict(), "generator_version": GENERATOR_VERSION, "kind": KIND},
                   checkpoint_every_s, progress, restart)
    started = time.monotonic()
    images, labels = run.pool(lambda: render_pool(recipe.seed, recipe.pool_size, recipe.image_size,
                                                  progress=progress, families=recipe.families))
    rendered = time.monotonic()
    model = train_cnn(recipe, images, labels, progress, saved=run.part("cnn"))
    del images, labels
    seconds = {"render": round(rendered - started, 1), "cnn": round(time.monotonic() - rendered, 1)}
    manifest = write_check_b_start(model, recipe, out_dir, seconds, progress)
    run.clear()
    return manifest


def write_check_b_start(model: PartCNN, recipe: DemoRecipe, out_dir: Path, seconds: dict,
                        progress: Progress = QUIET) -> dict:
    """The folder (a part CNN folder, as `station models verify` reads it) with its held-out figures."""
    with replacing(out_dir) as staging:
        manifest = save_cnn_folder(model, [c.key for c in recipe.classes], OPENAI_MEAN, OPENAI_STD, staging,
                                   name="check B start", seed=recipe.seed, generator_version=GENERATOR_VERSION,
                                   station_version=__version__, recipe=recipe.as_dict(), training_seconds=seconds,
                                   machine=machine_facts())
        manifest["heldout_metrics"] = _measure(staging, recipe, progress)  # of the weights as written and read back
        write_json_atomic(staging / "manifest.json", manifest)
    return manifest


def _measure(folder: Path, recipe: DemoRecipe, progress: Progress) -> dict:
    """Held-out accuracy per family of the written weights, at input size and from camera-size frames."""
    cnn = load_cnn_folder(folder)
    return {name: {"cnn": classifier_accuracy(cnn.model, images, labels, recipe.image_size, recipe.classes),
                   "frames": int(len(labels)), "frame_size": size}
            for name, size, images, labels in heldout_sets(recipe, progress)}
