"""Onboarding: a folder of labelled photos -> a product version with its acceptance report, not live yet.

Steps (each reports progress and can be stopped; a stopped onboarding leaves no version behind):
1. check the photos (station.products.photos) and refuse with the reasons when they cannot make a product;
2. split them (station.products.split): training, calibration, held-out;
3. check B: a CNN on the training photos and a good-parts memory (station.products.check_b);
4. check A: the station's CLIP with the product's class texts, RVPT prompts tuned on the training photos with the
   held-out selection rule (station.prompts.selection);
5. the input gate's bank from the training photos, calibrated on the calibration photos;
6. thresholds (conf_a, conf_b) chosen on the calibration photos (station.products.calibration);
7. the acceptance report on the held-out photos (station.products.acceptance), then the version is sealed and
   recorded. It goes live only when a manager signs its acceptance.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..auth import acting, require
from ..errors import InvalidInput
from ..judging import Judge
from ..models.zero_shot import ClassPrompt, TextEmbeddingCache, ZeroShotCheck
from ..messages import Message
from ..progress import QUIET, Progress, Share, stop_if_asked
from ..prompts.recipe import RvptRecipe
from ..storage.models import Product, User
from . import acceptance as acceptance_mod
from . import store
from .calibration import choose_thresholds
from .check_b import ProductCnnCheck, fit_anomaly, save_check_b, train_classifier
from .definition import ProductClass, ProductSpec, class_key, default_prompts, product_name
from .photos import PhotoCheck, check_photos
from .recipe import CheckBRecipe, OnboardingChoices  # noqa: F401  (kept importable from here)
from .split import split_photos

STEPS = ("photos", "check_b", "check_a", "gate", "thresholds", "acceptance")
SHOTS_PER_CLASS = 16  # RVPT's shots per class, from the training part
GATE_LEAST = 20  # photos in the gate's bank, and to calibrate it (station.gate.store.bank_from_frames)


def _step(progress: Progress, n: int) -> Share:
    """Step n of STEPS: its own count fills the step's hundred of the whole's len(STEPS) hundreds; its words a
    Message (`onboarding.<step>`), so the window says them in its language."""
    what = Message(f"onboarding.{STEPS[n]}")
    return Share(progress, base=n * 100, total=len(STEPS) * 100, span=100,
                 word=lambda done, total, text: Message("onboarding.step", step=n + 1, steps=len(STEPS), what=what,
                                                        detail=text) if text else what)


def product_classes(name: str, check: PhotoCheck, class_names: tuple = ()) -> list[ProductClass]:
    """The photo folders as classes; each named for people as `class_names` says ((key, name, name_ja) rows; a name
    left empty: the folder's, '_' read as a space), or the Japanese name left empty."""
    learned = set(check.learned)
    named = {key: (name_en.strip(), name_ja.strip()) for key, name_en, name_ja in class_names}
    unknown = sorted(set(named) - set(check.class_keys))
    if unknown:
        raise InvalidInput(f"names given for {', '.join(unknown)}, which are not class folders of these photos "
                           f"({', '.join(check.class_keys)})")
    return [ProductClass(class_key(k), named.get(k, ("", ""))[0] or k.replace("_", " "), k == check.good,
                         default_prompts(name, k, k == check.good), named.get(k, ("", ""))[1], learned=k in learned)
            for k in check.class_keys]


def _tune(station, check_a: ZeroShotCheck, images: list[np.ndarray], labels: list[int], choices: OnboardingChoices,
          progress: Progress):
    """RVPT prompts by the held-out selection rule, from up to SHOTS_PER_CLASS training photos per class."""
    from ..prompts.selection import select_recipe

    seed = choices.seed
    rng = np.random.default_rng(seed)
    chosen = [i for c in sorted(set(labels)) for i in
              rng.permutation([j for j, lb in enumerate(labels) if lb == c])[:SHOTS_PER_CLASS].tolist()]
    picked = select_recipe(station.clip, check_a.text, [images[i] for i in chosen], [labels[i] for i in chosen],
                           base=RvptRecipe(shots_per_class=SHOTS_PER_CLASS, seed=seed, epochs=choices.prompt_epochs),
                           grid=choices.prompt_grid, progress=progress)
    recipe = replace(picked.recipe, epochs=picked.epoch)
    # on the training shots the selection rule kept back from tuning, not the acceptance's held-out photos
    figures = {"selection_accuracy": picked.held_out.accuracy, "frozen_selection_accuracy": picked.frozen_accuracy,
               "repelling": picked.held_out.repelling, "within_budget": picked.within_budget,
               "shots": len(chosen)}
    return picked.prompts, recipe, figures


def _save_prompts(station, folder: Path, prompts, recipe, check_a: ZeroShotCheck, spec: ProductSpec,
                  figures: dict, user: User) -> None:
    from ..prompts.files import PromptSetMeta, save_prompt_set

    meta = PromptSetMeta(
        base_model_sha256=station.clip.sha256,
        classes=[{"key": c.key, "name": c.name, "texts": list(c.prompts)} for c in spec.learned],
        class_texts_sha256=check_a.texts_sha256, first_prompted_block=recipe.first_prompted_block,
        tokens_per_block=recipe.tokens_per_block, seed=recipe.seed, recipe=recipe.as_dict(),
        metrics={k: float(v) for k, v in figures.items()}, created_by=user.username,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), name=f"{spec.name}-prompts")
    save_prompt_set(folder / store.PROMPTS_NAME, prompts, meta)


def _keep_held_out(folder: Path, held_out: list) -> None:
    """The held-out photos of the learned classes, sealed with the version (PNG, as kept in memory): the frames
    the self-tests attack and probe on this product (`held_out/<class>/*`, a labelled folder)."""
    import cv2

    for n, photo in enumerate(held_out):
        sub = folder / store.HELD_OUT / photo.class_key
        sub.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(sub / f"{n:04d}.png"), cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR))


def _gate_parts(train: list[int], calibration: list[int], least: int = GATE_LEAST) -> tuple[list[int], list[int]]:
    """The bank's photos and those that calibrate its thresholds: the training and calibration parts, with some
    training photos lent to the calibration when it has fewer than `least` (the held-out part is never used)."""
    lent = max(0, least - len(calibration))
    if lent and len(train) - lent < least:
        raise InvalidInput(f"the input gate needs {2 * least} photos in the training and calibration parts together "
                           f"({len(train) + len(calibration)} now): add photos, most usefully of good parts")
    step = max(1, len(train) // lent) if lent else 0
    borrowed = set(train[::step][:lent]) if lent else set()
    return [i for i in train if i not in borrowed], calibration + sorted(borrowed)


def onboard(station, user: User, name: str, folder: Path | str, choices: OnboardingChoices,
            progress: Progress = QUIET, check: PhotoCheck | None = None) -> Product:
    """A new version of product `name` from `folder/<class>/*` (module docstring). Returns its record."""
    from ..gate.bank import load_bank
    from ..gate.store import bank_from_frames, gate_of

    name = product_name(name)
    with station.db.session() as s:
        require(acting(s, user), "products.manage")
    started = time.monotonic()
    check = check or check_photos(folder, choices.good, _step(progress, 0))
    problems = check.blocking()
    if problems:
        raise InvalidInput("these photos cannot make a product yet:\n- " + "\n- ".join(problems) +
                           "\n\n" + "\n".join(check.lines()))
    split = split_photos(check, choices.seed)
    classes = product_classes(name, check, choices.class_names)
    with station.db.session() as s:
        version = store.next_version(s, name)
    spec = ProductSpec(name, version, classes, choices.name_en or name, choices.name_ja)
    keys = [c.key for c in spec.learned]
    index = {k: i for i, k in enumerate(keys)}
    photos = check.photos

    def part(which: str, learned_only: bool = True) -> list[int]:
        return [i for i in split.part(which) if not learned_only or photos[i].class_key in index]

    with store.staging(station.data_dir, name) as staged:
        # check B: the product's CNN and its good-parts memory
        step = _step(progress, 1)
        train = part("train")
        model = train_classifier([photos[i].image for i in train], [index[photos[i].class_key] for i in train],
                                 len(keys), choices.check_b, step)
        def good_images(ids: list[int]) -> list[np.ndarray]:
            return [photos[i].image for i in ids if photos[i].class_key == choices.good]

        anomaly = fit_anomaly(model, good_images(train), good_images(part("calibration")), choices.check_b)
        save_check_b(model, anomaly, keys, staged / store.CHECK_B, choices.check_b)
        check_b = ProductCnnCheck(staged / store.CHECK_B, keys, "cpu")

        # check A: the station's CLIP with the product's texts, and its prompts
        step = _step(progress, 2)
        check_a = ZeroShotCheck(station.clip, [ClassPrompt(c.key, c.prompts) for c in spec.learned],
                                TextEmbeddingCache(station.data_dir / "cache" / "text"), station.check_a.device)
        prompt_figures = {}
        if choices.tune_prompts:
            prompts, recipe, prompt_figures = _tune(station, check_a, [photos[i].image for i in train],
                                                    [index[photos[i].class_key] for i in train], choices, step)
            _save_prompts(station, staged, prompts, recipe, check_a, spec, prompt_figures, user)
            check_a.set_prompts(prompts, recipe.first_prompted_block)
        stop_if_asked(progress, "onboarding")

        # the input gate: every training photo shows a part; the calibration photos set its thresholds
        step = _step(progress, 3)
        in_bank, gate_heldout = _gate_parts(part("train", False), part("calibration", False))
        bank = bank_from_frames(station, [photos[i].image for i in in_bank], [photos[i].image for i in gate_heldout],
                                {"product": name, "photos": str(folder)}, user.username, step,
                                prompted_check=check_a if choices.tune_prompts else None)
        bank.save(staged / store.BANK_NAME)
        spec.details["gate"] = {"thresholds": bank.meta.thresholds, "calibration": bank.meta.calibration}
        gate = gate_of(load_bank(staged / store.BANK_NAME), station.config.gate) if station.config.gate.enabled else None

        # thresholds on the calibration photos (every class: a defect kind too small to learn must not pass either)
        step = _step(progress, 4)
        judge = Judge(check_a, check_b, gate, keys, spec.good, 0.5, 0.5)
        calibration = part("calibration", False)
        opinions = judge.opinions([photos[i].image for i in calibration])
        spec.conf_a, spec.conf_b, threshold_figures = choose_thresholds(
            opinions, [spec.good[photos[i].class_key] for i in calibration], spec.good, choices.max_escapes,
            choices.max_false_fail)
        spec.details["thresholds"] = threshold_figures  # the report says when they could not meet the limits
        spec.details["near_copies_split"] = split.loose
        step.report(100, 100, Message("onboarding.done"))

        # the acceptance report on the held-out photos
        step = _step(progress, 5)
        judge = replace(judge, conf_a=spec.conf_a, conf_b=spec.conf_b)
        accepted = acceptance_mod.measure(judge, spec, [photos[i] for i in split.held_out], staged, step)
        (staged / store.ACCEPTANCE_NAME).write_text(json.dumps(accepted, indent=1), encoding="utf-8")
        _keep_held_out(staged, [photos[i] for i in part("held_out")])
        spec.details = {
            **spec.details,
            "photos": check.as_dict(), "split": split.counts(check), "split_seed": split.seed,
            "split_files": {p: [str(photos[i].path) for i in split.part(p)] for p in ("train", "calibration", "held_out")},
            "check_b": {"recipe": asdict(choices.check_b), "anomaly": anomaly.calibration},
            "check_a": {"prompts": choices.tune_prompts, **prompt_figures},
            "thresholds": threshold_figures, "seconds": round(time.monotonic() - started, 1),
        }
        with station.db.transaction() as s:
            row = store.record_version(s, station.data_dir, staged, spec, accepted, station.clip.sha256,
                                       acting(s, user))
            s.flush()
            s.expunge(row)
        return row
