"""`station demo-train`: build the bundled demo models from nothing but a seed.

The models are evaluated after being written and read back, so the held-out
figures in the manifest describe exactly the shipped (fp16) weights.
"""

from __future__ import annotations

import time
from pathlib import Path

import torch

from .. import __version__
from ..models.clip_store import ClipSpec, load_clip_folder, save_clip_folder
from ..models.cnn_store import load_cnn_folder, save_cnn_folder
from ..fileio import write_json_atomic
from ..models.files import sha256_file
from ..catalog import GENERATOR_VERSION, TRAINED_KEYS, UNSEEN_FAMILIES, classes_of
from .evaluate import classifier_accuracy, clip_zero_shot_accuracy, family_mean
from .pool import render_pool
from ..models.preprocess import OPENAI_MEAN, OPENAI_STD
from ..progress import QUIET, Progress
from .run_state import CHECKPOINT_EVERY_S, RunState, machine_facts, refuse_unless_replaceable, replacing
from .train import DemoRecipe, train_clip, train_cnn

CAMERA_SIZE = 256  # the simulated camera's frame size; frames are reduced to the model's input


def heldout_sets(recipe: DemoRecipe, progress: Progress = QUIET):
    """(name, frame size, images, labels) of the recipe's families from a seed never used in training: rendered
    at the models' input size, and at the simulated camera's (what a station reduces)."""
    for name, size in (("model_size", recipe.image_size), ("camera_size", CAMERA_SIZE)):
        images, labels = render_pool(recipe.heldout_seed, recipe.heldout_size, size, progress=progress,
                                     what=f"held-out {name}", families=recipe.families)
        yield name, size, images, labels


def evaluate_demo_folder(folder: Path, recipe: DemoRecipe, progress: Progress = QUIET) -> dict:
    """Held-out accuracy of the written models, at model input size and from camera-size frames."""
    clip = load_clip_folder(folder / "clip")
    cnn = load_cnn_folder(folder / "cnn")
    classes = recipe.classes
    metrics = {}
    for name, size, images, labels in heldout_sets(recipe, progress):
        metrics[name] = {
            "clip_zero_shot": clip_zero_shot_accuracy(clip.model, images, labels, clip.context_length, recipe.image_size,
                                                      classes),
            "cnn": classifier_accuracy(cnn.model, images, labels, recipe.image_size, classes),
            "frames": int(len(labels)),
            "frame_size": size,
        }
    unseen = unseen_keys(recipe)
    if unseen:  # parts it never saw, named only by their class texts
        images, labels = render_pool(recipe.heldout_seed, recipe.heldout_size, recipe.image_size, progress=progress,
                                     what="unseen families", families=unseen)
        metrics["unseen_families"] = {
            "clip_zero_shot": clip_zero_shot_accuracy(clip.model, images, labels, clip.context_length, recipe.image_size,
                                                      classes_of(unseen)),
            "frames": int(len(labels)), "frame_size": recipe.image_size,
        }
    return metrics


def unseen_keys(recipe: DemoRecipe) -> tuple[str, ...]:
    """The families kept out of every demo training that this recipe indeed never saw (none for the bundled
    models' recipe, whose figures stay as they were)."""
    if tuple(recipe.families) == TRAINED_KEYS:
        return ()
    return tuple(f.key for f in UNSEEN_FAMILIES if f.key not in recipe.families)


def _heldout_monitor(recipe: DemoRecipe):
    """Zero-shot accuracy on a small held-out set (and on the unseen families), to watch the curves while training."""
    count = min(300, recipe.heldout_size)
    images, labels = render_pool(recipe.heldout_seed + 1, count, recipe.image_size, families=recipe.families)
    unseen = unseen_keys(recipe)
    if unseen:
        u_images, u_labels = render_pool(recipe.heldout_seed + 1, count, recipe.image_size, families=unseen)

    def monitor(model) -> dict:
        acc = clip_zero_shot_accuracy(model, images, labels, recipe.context_length, recipe.image_size, recipe.classes)
        out = {"heldout_zero_shot": family_mean(acc, [k for k in recipe.families if k in acc])}
        if unseen:
            acc = clip_zero_shot_accuracy(model, u_images, u_labels, recipe.context_length, recipe.image_size,
                                          classes_of(unseen))
            out["unseen_zero_shot"] = family_mean(acc, [k for k in unseen if k in acc])
        return out

    return monitor


def train_demo_models(
    out_dir: Path | str,
    recipe: DemoRecipe = DemoRecipe(),
    progress: Progress = QUIET,
    checkpoint_every_s: float = CHECKPOINT_EVERY_S,
    restart: bool = False,
) -> dict:
    """Train, write, re-read and evaluate; `out_dir` is replaced only when all succeeded. An earlier run of the same
    recipe into the same folder that was stopped is taken up where it stopped, unless `restart`
    (station.synth.run_state)."""
    out_dir = Path(out_dir)
    refuse_unless_replaceable(out_dir)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    run = RunState(out_dir, {**recipe.as_dict(), "generator_version": GENERATOR_VERSION}, checkpoint_every_s,
                   progress, restart)
    started = time.monotonic()
    images, labels = run.pool(lambda: render_pool(recipe.seed, recipe.pool_size, recipe.image_size,
                                                  progress=progress, families=recipe.families))
    rendered = time.monotonic()
    clip = train_clip(recipe, images, labels, progress, monitor=_heldout_monitor(recipe), saved=run.part("clip"))
    clip_done = time.monotonic()
    cnn = train_cnn(recipe, images, labels, progress, saved=run.part("cnn"))
    cnn_done = time.monotonic()
    del images, labels

    with replacing(out_dir) as staging:
        common = {"seed": recipe.seed, "generator_version": GENERATOR_VERSION, "station_version": __version__}
        class_keys = [c.key for c in recipe.classes]
        save_clip_folder(clip, recipe.clip_model_cfg(), ClipSpec(arch="demo-vit"), staging / "clip", half=True,
                         name="demo CLIP", class_keys=class_keys, **common)
        save_cnn_folder(cnn, class_keys, OPENAI_MEAN, OPENAI_STD, staging / "cnn", name="demo CNN", **common)
        metrics = evaluate_demo_folder(staging, recipe, progress)
        files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        manifest = {
            "format": 1,
            "name": "bundled demo models",
            **common,
            "recipe": recipe.as_dict(),
            "heldout_seed": recipe.heldout_seed,
            "training_seconds": {
                "render": round(rendered - started, 1),
                "clip": round(clip_done - rendered, 1),
                "cnn": round(cnn_done - clip_done, 1),
                "total": round(time.monotonic() - started, 1),
            },
            "resumed": run.resumed,  # part -> the step an earlier, stopped run had reached (this run's time only)
            "machine": machine_facts(),
            "heldout_metrics": metrics,
            "files": {f: sha256_file(staging / f) for f in files},
        }
        write_json_atomic(staging / "manifest.json", manifest)
    run.clear()
    return manifest
