"""Demo CLIP recipes against each other at equal training time: what learns most on 2 cores.

Each variant is the wide recipe (`DemoRecipe.wide`) with some fields changed, trained by the real
`train_clip` on one shared pool for the same number of seconds (its steps follow from its measured
step time), then measured zero-shot on held-out frames of the seen families and of the two families
no demo training sees. The first variant is the baseline; the others are reported against it.

    python bench/demo_recipes.py [--seconds 120] [--pool 12000] [--variants "vision_width=192;clip_lr=0.002"]

A variant is `field=value,field=value` (DemoRecipe fields; `vision_width` sets the text tower and the
embedding to the same width); an empty one is the wide recipe as it is. The README's figures: `--seconds 520
--pool 24000 --variants "vision_width=192;;clip_lr=0.002"`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station.catalog import UNSEEN_FAMILIES, classes_of  # noqa: E402
from station.synth.evaluate import clip_zero_shot_accuracy, family_mean  # noqa: E402
from station.synth.pool import render_pool  # noqa: E402
from station.synth.train import DemoRecipe, train_clip  # noqa: E402

TIMING_STEPS = 4


def parse_variant(text: str, base: DemoRecipe) -> DemoRecipe:
    types = {f.name: f.type for f in fields(DemoRecipe)}
    changes = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=")
        if key not in types:
            raise SystemExit(f"demo_recipes: {key} is not a DemoRecipe field")
        changes[key] = float(value) if types[key] in (float, "float") else int(value)  # the others are ints
    if "vision_width" in changes:
        changes.setdefault("text_width", changes["vision_width"])
        changes.setdefault("embed_dim", changes["vision_width"])
    return replace(base, **changes)


def seconds_per_step(recipe: DemoRecipe, images: np.ndarray, labels: np.ndarray) -> float:
    """The real loop run for 1 and for 1 + TIMING_STEPS steps: the difference leaves out building the model."""
    timed = replace(recipe, clip_epochs=1.0, clip_warmup=1, monitor_every=10**9)

    def run(steps: int) -> float:
        n = recipe.clip_batch * steps
        start = time.perf_counter()
        train_clip(timed, images[:n], labels[:n])
        return time.perf_counter() - start

    return max(1e-3, (run(1 + TIMING_STEPS) - run(1)) / TIMING_STEPS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="training time of each variant")
    ap.add_argument("--pool", type=int, default=12_000)
    ap.add_argument("--heldout", type=int, default=1000)
    ap.add_argument("--variants", default="vision_width=192;",
                    help="';'-separated, the first is the baseline; an empty one is the wide recipe as it is")
    args = ap.parse_args()
    base = DemoRecipe.wide()
    recipes = [parse_variant(v, base) for v in args.variants.split(";")]
    unseen = tuple(f.key for f in UNSEEN_FAMILIES)
    images, labels = render_pool(7, args.pool, base.image_size, families=base.families)
    held_images, held_labels = render_pool(base.heldout_seed, args.heldout, base.image_size, families=base.families)
    unseen_images, unseen_labels = render_pool(base.heldout_seed, args.heldout * 2 // 5, base.image_size,
                                               families=unseen)
    rows = []
    for text, recipe in zip(args.variants.split(";"), recipes):
        torch.manual_seed(0)
        step_s = seconds_per_step(recipe, images, labels)
        steps = max(1, int(args.seconds / step_s))
        run = replace(recipe, clip_epochs=steps * recipe.clip_batch / len(images), clip_warmup=max(1, steps // 6),
                      monitor_every=10**9)
        start = time.perf_counter()
        model = train_clip(run, images, labels)
        took = time.perf_counter() - start
        seen = clip_zero_shot_accuracy(model, held_images, held_labels, run.context_length, run.image_size,
                                       run.classes)
        never = clip_zero_shot_accuracy(model, unseen_images, unseen_labels, run.context_length, run.image_size,
                                        classes_of(unseen))
        rows.append((text or "the wide recipe", steps, took, family_mean(seen, run.families),
                     family_mean(never, unseen)))
        print(f"{rows[-1][0]}: {steps} steps in {took:.0f} s; zero-shot seen "
              f"{rows[-1][3]:.1%}, unseen {rows[-1][4]:.1%}; "
              + ", ".join(f"{k} {seen[k]:.0%}" for k in run.families), flush=True)
    baseline = rows[0]
    for text, steps, took, seen, never in rows[1:]:
        print(f"{text} against {baseline[0]}: seen {seen - baseline[3]:+.1%}, unseen {never - baseline[4]:+.1%} "
              f"at {took / baseline[2]:.2f}x its training time")
    best = max(rows, key=lambda r: r[3])
    record("demo CLIP recipes at equal time", "the wide recipe learns most",
           f"best: {best[0]}, seen {best[3]:.1%} ({args.seconds:.0f} s each)", best[0] == "the wide recipe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
