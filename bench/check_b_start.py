"""What a product's check B learns on a part no model has seen, by where its convolutions start: the bundled
check-B start (ten families at 128 px), the demo CNN (three families at 64 px), and no pretraining. The same
photos, the same recipe (a pretrained start keeps its first `kept_blocks`; `--kept-blocks 0` trains them all), in
the same run; accuracy on fresh photos and the share of defects called good.

    python bench/check_b_start.py [--family bracket] [--photos 120] [--fresh 200] [--epochs 40] [--kept-blocks 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station.catalog import FAMILY_BY_KEY, UNSEEN_FAMILIES  # noqa: E402
from station.paths import check_b_start_dir, demo_models_dir  # noqa: E402
from station.products import check_b  # noqa: E402
from station.synth.samples import draw_part  # noqa: E402


def photos(family: str, count: int, seed: int) -> tuple[list, list[int], list[str]]:
    """Half good, the rest shared among the defect kinds; labels index the family's conditions."""
    conditions = [c.key for c in FAMILY_BY_KEY[family].conditions]
    defects = len(conditions) - 1
    images, labels = [], []
    for label, condition in enumerate(conditions):
        for i in range(count // 2 if condition == "good" else count // 2 // defects):
            images.append(draw_part(seed + label, i, family, condition, 256))
            labels.append(label)
    return images, labels, conditions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", default="bracket", choices=[f.key for f in UNSEEN_FAMILIES])
    ap.add_argument("--photos", type=int, default=120, help="training photos")
    ap.add_argument("--fresh", type=int, default=200, help="fresh photos it is measured on")
    ap.add_argument("--epochs", type=int, default=check_b.CheckBRecipe.epochs)
    ap.add_argument("--kept-blocks", type=int, default=check_b.CheckBRecipe.kept_blocks)
    args = ap.parse_args()
    torch.set_num_threads(1)
    train, train_labels, conditions = photos(args.family, args.photos, 41)
    fresh, fresh_labels, _ = photos(args.family, args.fresh, 777)
    y = torch.tensor(fresh_labels)
    base = check_b.CheckBRecipe(epochs=args.epochs, kept_blocks=args.kept_blocks)
    x = check_b._normalised(check_b.model_inputs(fresh, base.image_size))
    starts = {"bundled check-B start": replace(base, start_folder=str(check_b_start_dir())),
              "demo CNN": replace(base, start_folder=str(demo_models_dir() / "cnn")),
              "no pretraining": replace(base, pretrained=False)}
    right = {}
    for name, recipe in starts.items():
        started = time.process_time()
        model = check_b.train_classifier(train, train_labels, len(conditions), recipe)
        with torch.inference_mode():
            said = torch.cat([model(x[i : i + 64]).argmax(1) for i in range(0, len(x), 64)])
        right[name] = float((said == y).float().mean())
        passed = float((said[y != 0] == 0).float().mean())  # condition 0 is good
        print(f"{name:<22} right on {right[name]:6.1%} of {len(y)} fresh {args.family} photos; defects called good "
              f"{passed:6.1%}; {time.process_time() - started:.0f} CPU-s")
    gain = right["bundled check-B start"] - right["demo CNN"]
    print(f"the bundled start against the demo CNN: {gain:+.1%} points ({args.photos} training photos, "
          f"{args.epochs} passes, first {args.kept_blocks} blocks kept, 1 thread)")
    record(f"check B on fresh {args.family} photos (never seen), from the bundled start", "",
           f"{right['bundled check-B start']:.1%} (demo CNN start {right['demo CNN']:.1%}, none "
           f"{right['no pretraining']:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
