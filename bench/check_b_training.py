"""Training a product's check B (the CNN of `station product new`) with its convolutions channels-last, against
the plain layout, on the same photos in the same run: seconds a pass, and what the CNN learned (accuracy on
held-out photos) with each, so the faster layout is seen not to train a worse model.

    python bench/check_b_training.py [--photos 96] [--epochs 6] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station.products import check_b  # noqa: E402
from station.synth.samples import draw_part  # noqa: E402

CLASSES = ("good", "scratch", "chipped")


def photos(count: int, seed: int) -> tuple[list, list[int]]:
    images, labels = [], []
    for i in range(count):
        label = i % len(CLASSES)
        images.append(draw_part(seed + label, i, "hex_nut", CLASSES[label], 160))
        labels.append(label)
    return images, labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", type=int, default=96)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(1)
    train, train_labels = photos(args.photos, 41)
    held, held_labels = photos(60, 977)
    recipe = check_b.CheckBRecipe(epochs=args.epochs)
    x_held = check_b._normalised(check_b.model_inputs(held, recipe.image_size))
    layouts = {"channels-last": torch.channels_last, "plain": torch.contiguous_format}
    seconds = {name: [] for name in layouts}
    accuracy = {}
    for _ in range(args.rounds):  # alternating, so a load swing hits both alike
        for name, layout in layouts.items():
            check_b.TRAINING_LAYOUT = layout
            started = time.perf_counter()
            model = check_b.train_classifier(train, train_labels, len(CLASSES), recipe)
            seconds[name].append((time.perf_counter() - started) / args.epochs)
            with torch.inference_mode():
                accuracy[name] = float((model(x_held).argmax(1) == torch.tensor(held_labels)).float().mean())
    for name in layouts:
        print(f"{name:<14} {statistics.median(seconds[name]):6.2f} s a pass   held-out accuracy {accuracy[name]:.1%}")
    ratio = statistics.median(seconds["plain"]) / statistics.median(seconds["channels-last"])
    print(f"channels-last trains {ratio:.2f}x as fast ({args.photos} photos at {recipe.image_size} px, 1 thread)")
    record("check B training speed, channels-last over plain layout", "", f"{ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
