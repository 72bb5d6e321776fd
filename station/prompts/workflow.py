"""Tune a prompt set for the running station and register it: what the CLI and the GUI both call."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..auth import acting, require
from ..storage.models import PromptSet, User
from .files import PromptSetMeta, save_prompt_set
from .registry import activate, register, safe_name
from ..progress import QUIET, Progress
from .rvpt import RvptRecipe, select_shots, tune_prompts
from .shots import LabelledImages, from_folder, from_reviews


def collect_shots(station, folder: Path | str | None = None) -> LabelledImages:
    """Labelled examples: a folder's `<class>/*.png`, or else the reviewers' decisions."""
    classes = station.config.classes
    keys, names = [c.key for c in classes], [c.name for c in classes]
    if folder:
        return from_folder(folder, keys, names)
    with station.db.session() as s:
        return from_reviews(s, station.images, keys)


def tune_and_register(
    station,
    user: User | None,
    recipe: RvptRecipe,
    name: str = "rvpt",
    folder: Path | str | None = None,
    make_active: bool = False,
    progress: Progress = QUIET,
    shots: LabelledImages | None = None,
    choose: bool = False,
) -> PromptSet:
    """Tune on the station's own frozen CLIP, save, register (and maybe activate) a new prompt set.

    With `choose`, a quarter of the shots is held out and every recipe of `recipe.DEFAULT_GRID` (D, b,
    alpha, each with early stopping) is tuned on the rest; the (recipe, epoch) kept is the one that repels
    most while its held-out accuracy stays within 2 points of the frozen model's (`progress` hears each try)."""
    require(user, "prompts.manage")
    name = safe_name(name)  # before anything is tuned or written
    classes = station.config.classes
    keys, names = [c.key for c in classes], [c.name for c in classes]
    shots = shots or collect_shots(station, folder)
    chosen = select_shots(shots.labels, len(keys), recipe.shots_per_class, recipe.seed, names)
    images, labels = [shots.images[i] for i in chosen], [shots.labels[i] for i in chosen]
    if choose:
        prompts, recipe, metrics = _choose(station, images, labels, recipe, progress)
    else:
        prompts, metrics = tune_prompts(station.clip, station.check_a.text, images, labels, recipe, progress)
    meta = PromptSetMeta(
        base_model_sha256=station.clip.sha256,
        classes=[{"key": c.key, "name": c.name, "texts": list(c.prompts)} for c in classes],
        class_texts_sha256=station.check_a.texts_sha256,
        first_prompted_block=recipe.first_prompted_block, tokens_per_block=recipe.tokens_per_block,
        shots=[{"label": keys[shots.labels[i]], **shots.sources[i]} for i in chosen], seed=recipe.seed,
        recipe=recipe.as_dict(), metrics=metrics, created_by=user.username,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), name=name,
    )
    staged = Path(station.data_dir) / "prompts" / f".{name}-new.safetensors"
    staged.parent.mkdir(parents=True, exist_ok=True)
    save_prompt_set(staged, prompts, meta)
    try:
        with station.db.transaction() as s:
            row = register(s, station.data_dir, staged, acting(s, user), name=name)
            if make_active:
                activate(s, row.id, station.clip.sha256, acting(s, user), reason="tuned and activated",
                         encoder_shape=(station.check_a.encoder.depth, station.check_a.encoder.width),
                         texts_sha256=station.check_a.texts_sha256)
    finally:
        staged.unlink(missing_ok=True)
    return row


def _choose(station, images, labels, recipe: RvptRecipe, progress: Progress):
    """Held-out selection (station.prompts.selection): the prompts, the recipe that made them and the figures."""
    from dataclasses import replace

    from .selection import select_recipe

    picked = select_recipe(station.clip, station.check_a.text, images, labels, base=recipe, progress=progress)
    # numbers only (a prompt file's metrics are); each recipe tried was reported through `progress`
    metrics = {"chosen_on_held_out": 1, "held_out_accuracy": picked.held_out.accuracy,
               "frozen_held_out_accuracy": picked.frozen_accuracy, "repelling": picked.held_out.repelling,
               "within_budget": int(picked.within_budget), "epoch": picked.epoch, "recipes_tried": len(picked.tried)}
    return picked.prompts, replace(picked.recipe, epochs=picked.epoch), metrics
