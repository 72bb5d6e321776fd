"""RVPT against shots per class: 16, 32, 64, 128, with D, b, alpha and the stopping epoch chosen on held-out shots.

A station's clean shots grow as reviewers decide frames. For each shot count, a quarter of the
shots is held out; `station.prompts.selection` tunes each recipe of its grid on the rest, stops
it early, and keeps the (recipe, epoch) that repels the frozen features most while the held-out
accuracy stays within 2 points of the frozen model's. Then, on fresh frames the selection never
saw: clean accuracy and attack success (BadNet, Blended) on the backdoored demo CLIP, for the
chosen recipe and for every recipe tried (does any setting reach the goal?).

    python bench/rvpt_shots.py [--shots 16,32,64,128] [--epochs 50] [--test 600]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rvpt_efficacy import predict_zero_shot  # noqa: E402

from headline import record  # noqa: E402
from station.models.clip_store import encode_text_classes, load_clip_folder  # noqa: E402
from station.paths import backdoored_fixture_dir  # noqa: E402
from station.prompts.rvpt import RvptRecipe, select_shots  # noqa: E402
from station.prompts.selection import DEFAULT_GRID, select_recipe  # noqa: E402
from station.synth.backdoor import BADNET, BLENDED, good_class_of  # noqa: E402
from station.catalog import ALL_CLASSES  # noqa: E402
from station.synth.pool import render_pool  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(backdoored_fixture_dir() / "clip"))
    ap.add_argument("--shots", default="16,32,64,128")
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--test", type=int, default=600)
    ap.add_argument("--budget", type=float, default=0.02, help="held-out accuracy the prompts may cost")
    args = ap.parse_args()
    if not Path(args.model).is_dir():
        print(f"rvpt_shots: no backdoored model at {args.model}; build it with `station demo-backdoor`")
        return 0
    clip = load_clip_folder(args.model)
    names = [c.label for c in ALL_CLASSES]
    text = encode_text_classes(clip, [c.prompt_texts() for c in ALL_CLASSES]).float()
    counts = [int(v) for v in args.shots.split(",")]
    pool_images, pool_labels = render_pool(31337, (max(counts) + 16) * len(names) * 11 // 10, 64)
    test_images, test_labels = render_pool(424242, args.test, 64)
    defective = np.flatnonzero([not ALL_CLASSES[lb].good for lb in test_labels])
    target = np.array([good_class_of(int(lb)) for lb in test_labels[defective]])
    triggered = {t.kind: np.stack([t.apply(test_images[i], np.random.default_rng(i)) for i in defective])
                 for t in (BADNET, BLENDED)}

    def figures(prompts=None, depth=3):
        clean = float((predict_zero_shot(clip, text, test_images, prompts, depth) == test_labels).mean())
        asr = {k: float((predict_zero_shot(clip, text, v, prompts, depth) == target).mean()) for k, v in triggered.items()}
        return clean, asr

    clean0, asr0 = figures()
    print(f"backdoored model {args.model}; {len(names)} classes; test: {len(test_labels)} clean frames, "
          f"{len(defective)} triggered defective frames per trigger; grid (D, b, alpha): {list(DEFAULT_GRID)}; "
          f"budget {args.budget:.0%} held-out accuracy")
    print(f"no prompts: clean {clean0:.1%}, ASR BadNet {asr0['badnet']:.1%}, Blended {asr0['blended']:.1%}")
    print(f"{'shots':>5} {'recipe':<22}{'epoch':>6}{'held-out':>9}{'frozen':>8}{'clean':>8}{'BadNet':>8}"
          f"{'Blended':>9}{'s':>7}")
    for shots in counts:
        chosen = select_shots(pool_labels.tolist(), len(names), shots, 0, names)
        t0 = time.monotonic()
        sel = select_recipe(clip, text, list(pool_images[chosen]), pool_labels[chosen].tolist(),
                            RvptRecipe(epochs=args.epochs, shots_per_class=shots), budget=args.budget)
        seconds = time.monotonic() - t0
        for row in sel.tried:
            clean, asr = figures(row["prompts"], row["D"])
            mark = "*" if (row["D"], row["b"], row["alpha"]) == (sel.recipe.first_prompted_block,
                                                                 sel.recipe.tokens_per_block, sel.recipe.alpha) else " "
            recipe = f"{mark}D={row['D']} b={row['b']} a={row['alpha']:g}"
            print(f"{shots:>5} {recipe:<22}{row['epoch']:>6}{row['held_out_accuracy']:>9.1%}{sel.frozen_accuracy:>8.1%}"
                  f"{clean:>8.1%}{asr['badnet']:>8.1%}{asr['blended']:>9.1%}{seconds:>7.0f}", flush=True)
            if mark == "*":
                worst = max(asr.values())
                record(f"RVPT with {shots} shots a class, the chosen recipe: worst ASR, clean accuracy", "<= 5%, within 2 points",
                       f"{worst:.1%}, {clean:.1%} (none {clean0:.1%})", worst <= 0.05 and clean >= clean0 - 0.02)
    print("* the recipe the held-out rule chose; the others are shown to answer whether any setting reaches the "
          "goal (ASR at most 5% with clean accuracy within 2 points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
