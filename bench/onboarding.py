"""Onboarding a product from 200 labelled photos, against the budget of 10 minutes on 2 cores.

The photos are hex nuts from the part generator at 256 px (100 good, 34 scratched, 33 cracked, 33 chipped), or
with `--family bracket` mounting brackets, a part the demo CLIP never saw (100 good, 34 scratched, 33 cracked, 33
with a hole never punched),
written as PNG files like a quality engineer's folder. The whole `product new` path runs: photo check, split,
check B's training and good-parts memory, check A's prompts by the held-out rule, the gate's bank, the
thresholds and the acceptance report. Printed: each step's share, the total against the budget, and the report.
The baseline in the same run is reading and checking the photos (the part that does not depend on models).

    python bench/onboarding.py [--no-prompts] [--family bracket] [--fresh]

`--fresh` then makes the product live and judges 200 fresh photos of it (another seed): the review share the
acceptance report predicted against the one the line gives.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from product_photos import write_product_photos  # noqa: E402
from station.auth import create_user  # noqa: E402
from station.products.onboard import STEPS, OnboardingChoices, onboard  # noqa: E402
from station.products.photos import check_photos  # noqa: E402
from station.progress import Callbacks  # noqa: E402
from station.runtime import Station  # noqa: E402

BUDGET_S = 600


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-prompts", action="store_true")
    ap.add_argument("--family", default="hex_nut", choices=["hex_nut", "bracket"])
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onboarding-bench-"))
    counts = {"good": 100, "scratch": 34, "crack": 33, OWN_DEFECT[args.family]: 33}
    photos = write_product_photos(work / "photos", counts, family=args.family, size=256, seed=99)
    t = time.perf_counter()
    check_photos(photos, "good")
    check_s = time.perf_counter() - t
    station = Station.open(work / "data")
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
    row = onboard(station, boss, "nut", photos, OnboardingChoices(good="good", tune_prompts=not args.no_prompts),
                  Callbacks(report=report))
    total = time.perf_counter() - t
    fresh = _fresh(station, boss, work, counts, args.family) if args.fresh else None
    station.close()
    a = row.acceptance
    print(f"onboarding 200 photos: {total:.1f} s of a {BUDGET_S} s budget ({total / BUDGET_S:.0%}); "
          f"reading and checking the photos alone {check_s:.1f} s ({total / max(check_s, 1e-6):.0f}x that)")
    for name in STEPS:
        print(f"  {name:<11} about {spent.get(name, 0.0):6.1f} s")
    print(f"acceptance: {a['escapes']} of {a['defects']} defects passed (95% bound {a['escape_rate_upper_95']:.1%}), "
          f"{a['false_fails']} of {a['goods']} good failed, review share {a['review_share']:.1%}")
    if fresh:
        print(f"fresh photos ({fresh['photos']}): {fresh['escape']} of {fresh['defects']} defects passed, "
              f"{fresh['false_fail']} of {fresh['goods']} good failed, review share {fresh['review'] / fresh['photos']:.1%} "
              f"(the report predicted {a['review_share']:.1%})")
    return 0


OWN_DEFECT = {"hex_nut": "chipped", "bracket": "missing_hole"}


def _fresh(station, boss, work: Path, counts: dict, family: str) -> dict:
    """The product live, 200 photos of another seed judged as the line would (nothing recorded)."""
    from station.pipeline import Pipeline
    from station.products import store

    with station.db.transaction() as s:
        store.accept(s, "nut", None, boss)
        store.make_live(s, "nut", None, boss)
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
