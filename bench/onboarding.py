"""Onboarding a product from 200 labelled photos, against the budget of 10 minutes on 2 cores.

The photos are hex nuts from the part generator at 256 px (100 good, 34 scratched, 33 cracked, 33 chipped), or
with `--family` any family the generator draws (half good, the rest shared among its defect kinds), e.g. a
mounting bracket or a connector, the parts every demo CLIP is kept from seeing; `--photos 100` takes half as many,
written as PNG files like a quality engineer's folder. `--models DIR` runs check A on another demo models
folder's CLIP (DIR/clip), e.g. one `station demo-train --wide` wrote; `--check-b-start DIR` starts check B from
another part CNN folder (default: the bundled check-B start). The whole
`product new` path runs: photo check, split,
check B's training and good-parts memory, check A's prompts by the held-out rule, the gate's bank, the
thresholds and the acceptance report. Printed: each step's share, the total against the budget, and the report.
The baseline in the same run is reading and checking the photos (the part that does not depend on models).

    python bench/onboarding.py [--no-prompts] [--family bracket] [--photos 100] [--models DIR]
                               [--check-b-start DIR] [--fresh]

`--fresh` then makes the product live and judges 200 fresh photos of it (another seed): the review share the
acceptance report predicted against the one the line gives.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from product_photos import write_product_photos  # noqa: E402
from headline import record  # noqa: E402
from station import config  # noqa: E402
from station.auth import create_user  # noqa: E402
from station.catalog import FAMILY_BY_KEY  # noqa: E402
from station.products.check_b import CheckBRecipe  # noqa: E402
from station.products import store  # noqa: E402
from station.products.onboard import STEPS, OnboardingChoices, onboard  # noqa: E402
from station.products.photos import check_photos  # noqa: E402
from station.progress import Callbacks  # noqa: E402
from station.runtime import Station  # noqa: E402

BUDGET_S = 600


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-prompts", action="store_true")
    ap.add_argument("--family", default="hex_nut", choices=sorted(FAMILY_BY_KEY))
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--models", type=lambda p: Path(p).resolve(), default=None,
                    help="a demo models folder: its CLIP for check A")
    ap.add_argument("--check-b-start", type=lambda p: Path(p).resolve(), default=None,
                    help="a part CNN folder to start check B from (default: the bundled check-B start)")
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onboarding-bench-"))
    counts = photo_counts(args.family, args.photos)
    photos = write_product_photos(work / "photos", counts, family=args.family, size=256, seed=99)
    t = time.perf_counter()
    check_photos(photos, "good")
    check_s = time.perf_counter() - t
    cfg = config.default_config("washer")
    if args.models:
        cfg.model = replace(cfg.model, clip=str(args.models / "clip"))
    station = Station.open(work / "data", config=cfg)
    with station.db.transaction() as s:
        boss = create_user(s, "boss", "manager", "bench-password", by=None)
        s.expunge(boss)
    step_started, spent = {}, {}

    def report(done: int, total: int, text: str) -> None:
        step = min(done // 100, len(STEPS) - 1)
        now = time.perf_counter()
        step_started.setdefault(step, now)
        spent[STEPS[step]] = now - step_started[step]

    t = time.perf_counter()
    check_b = CheckBRecipe(start_folder=str(args.check_b_start or ""))
    name = product_name(args.family)
    row = onboard(station, boss, name, photos, OnboardingChoices(good="good", tune_prompts=not args.no_prompts,
                                                                  check_b=check_b), Callbacks(report=report))
    total = time.perf_counter() - t
    zero_shot = _zero_shot(station, row)
    fresh = _fresh(station, boss, work, counts, args.family, name) if args.fresh else None
    a = json.loads((station.data_dir / row.path / store.ACCEPTANCE_NAME).read_text())  # the whole report
    station.close()
    started_from = f"CLIP {args.models or 'bundled'}, check B from {args.check_b_start or 'the bundled start'}"
    print(f"onboarding {sum(counts.values())} {args.family} photos ({started_from}): "
          f"{total:.1f} s of a {BUDGET_S} s budget ({total / BUDGET_S:.0%}); "
          f"reading and checking the photos alone {check_s:.1f} s ({total / max(check_s, 1e-6):.0f}x that)")
    for name in STEPS:
        print(f"  {name:<11} about {spent.get(name, 0.0):6.1f} s")
    print(f"acceptance: {a['escapes']} of {a['defects']} defects passed (95% bound {a['escape_rate_upper_95']:.1%}), "
          f"{a['false_fails']} of {a['goods']} good failed, review share {a['review_share']:.1%}")
    for check in ("a", "b"):
        table = a[f"confusion_{check}"]
        right = sum(n for truth, row in table.items() for said, n in row.items() if said == truth)
        print(f"  check {check.upper()} right on {right} of {a['photos']} held-out photos")
    print(f"  check A zero-shot (the plain CLIP, the product's class texts) right on {zero_shot:.1%} of them")
    right_a = sum(n for truth, row in a["confusion_a"].items() for said, n in row.items() if said == truth) / a["photos"]
    record(f"onboarding {args.family} from {sum(counts.values())} photos: check A on held-out photos", ">= 85%",
           f"{right_a:.1%}", right_a >= 0.85)
    record(f"onboarding {args.family}: escapes / review share in acceptance", "0 / <= 25%",
           f"{a['escapes']} / {a['review_share']:.1%}", a["escapes"] == 0 and a["review_share"] <= 0.25)
    if fresh:
        print(f"fresh photos ({fresh['photos']}): {fresh['escape']} of {fresh['defects']} defects passed, "
              f"{fresh['false_fail']} of {fresh['goods']} good failed, "
              f"review share {fresh['review'] / fresh['photos']:.1%} (the report predicted {a['review_share']:.1%})")
    return 0


FIRST_BENCH = {"hex_nut": ["scratch", "crack", "chipped"], "bracket": ["scratch", "crack", "missing_hole"]}


def photo_counts(family: str, total: int) -> dict:
    """Half good, the other half shared among the family's defect kinds (the hex nut's: 34/33/33 of 200)."""
    defects = FIRST_BENCH.get(family) or [c.key for c in FAMILY_BY_KEY[family].conditions if not c.good]
    bad = total - total // 2
    return {"good": total // 2, **{k: bad // len(defects) + (i < bad % len(defects)) for i, k in enumerate(defects)}}


def _zero_shot(station, row) -> float:
    """Check A without prompts on the product's held-out photos: what the foundation model knows of the part."""
    import cv2

    from station.models.zero_shot import ClassPrompt, ZeroShotCheck

    folder = station.data_dir / row.path
    spec = store.read_spec(folder)
    classes = [c for c in spec.classes if c.learned]
    check = ZeroShotCheck(station.clip, [ClassPrompt(c.key, c.prompts) for c in classes],
                          device=station.check_a.device)
    images, truth = [], []
    for i, c in enumerate(classes):
        for f in sorted((folder / store.HELD_OUT / c.key).glob("*.png")):
            images.append(cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB))
            truth.append(i)
    said = check.classify(images, use_prompts=False)
    return sum(a == b for a, b in zip(said, truth)) / max(1, len(truth))


def product_name(family: str) -> str:
    """The product is named after its part, as a plant would (its class texts say "a photo of a <name> with ...");
    the hex nut keeps the first bench's name."""
    return "nut" if family == "hex_nut" else family.replace("_", "-")


def _fresh(station, boss, work: Path, counts: dict, family: str, name: str) -> dict:
    """The product live, 200 photos of another seed judged as the line would (nothing recorded)."""
    from station.pipeline import Pipeline

    with station.db.transaction() as s:
        store.accept(s, name, None, boss)
        store.make_live(s, name, None, boss)
    station.follow_live_product()
    check = check_photos(write_product_photos(work / "fresh", counts, family=family, size=256, seed=2024), "good")
    good = station.product.spec.good
    out = {"photos": 0, "defects": 0, "goods": 0, "escape": 0, "false_fail": 0, "review": 0}
    for p, d in zip(check.photos, Pipeline(station).judge([p.image for p in check.photos])):
        g = good[p.class_key]
        out["photos"] += 1
        out["goods" if g else "defects"] += 1
        out["review"] += d.verdict == "REVIEW"
        out["escape"] += d.verdict == "PASS" and not g
        out["false_fail"] += d.verdict == "FAIL" and g
    return out


if __name__ == "__main__":
    sys.exit(main())
