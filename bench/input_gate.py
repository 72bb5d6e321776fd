"""The input gate, in one table: for each kind of frame, the share the whole station passes automatically,
sends to review and fails, with and without the gate.

Stations: the demo washer station (bundled reference bank), and, for the triggered frames, a station
running the backdoored demo CLIP (tests/fixtures/backdoored) with a bank built for it here. Clean
frames give the extra review rate the gate costs (frames it alone sent to review).

    python bench/input_gate.py [--count 100] [--clean 1000] [--prm 32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station import config  # noqa: E402
from station.auth import create_user  # noqa: E402
from station.decision import FAIL, NO_PART, PASS, REVIEW  # noqa: E402
from station.gate.store import build_bank  # noqa: E402
from station.models.preprocess import resize_square  # noqa: E402
from station.paths import backdoored_fixture_dir  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.selftest.prm import PrmSettings, prm_attack  # noqa: E402
from station.selftest.prm_runner import _to_images, _to_tensor  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.synth.backdoor import BADNET, BLENDED  # noqa: E402
from station.catalog import CLASS_INDEX  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402
from station.synth.unfamiliar import frames_of_kind  # noqa: E402


def shares(station: Station, images) -> dict:
    out = {}
    for gate in (True, False):
        station.config.gate = replace(station.config.gate, enabled=gate)
        decisions = []
        for i in range(0, len(images), 64):
            decisions += Pipeline(station).judge(images[i : i + 64])
        n = len(decisions)
        out[gate] = {v: sum(d.verdict == v for d in decisions) / n for v in (PASS, REVIEW, FAIL)}
        out[gate]["gate"] = sum(NO_PART in d.reason for d in decisions) / n
    station.config.gate = replace(station.config.gate, enabled=True)
    return out


def washers(seed: int, count: int, defective_only: bool = False) -> list:
    keys = ["washer/scratch", "washer/crack", "washer/stain", "washer/dent"] if defective_only else None
    if keys:
        return [draw_sample(seed, i, 256, class_index=CLASS_INDEX[keys[i % 4]]).image for i in range(count)]
    return [draw_sample(seed, i, 256, defect_rate=0.3, family="washer").image for i in range(count)]


def prm_attacked(station: Station, count: int) -> list:
    frames = [resize_square(im, station.clip.image_size) for im in washers(4242, count)]
    encoder = PromptedVisionEncoder(station.clip.model.visual)
    out = []
    for i in range(0, count, 16):
        result = prm_attack(encoder, _to_tensor(frames[i : i + 16]), station.clip.spec.mean, station.clip.spec.std,
                            PrmSettings(eps=8 / 255, iterations=250, seed=i))
        out += _to_images(result.adversarial)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100, help="frames per kind")
    ap.add_argument("--clean", type=int, default=1000, help="clean frames for the extra review rate")
    ap.add_argument("--prm", type=int, default=32, help="PRM-attacked frames (input mode, 8/255, 250 steps)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = Station.open(Path(tmp) / "demo")
        n = args.count
        kinds = [
            ("blank frames (5 colours, textures)", frames_of_kind("blank", n, seed=1)),
            ("empty belt or fixture", frames_of_kind("empty", n, seed=2)),
            ("parts 30-60% in view", frames_of_kind("partial", n, seed=3)),
            ("parts of another family", [draw_sample(5, i, 256, family=("hex_nut", "pcb_tile")[i % 2]).image for i in range(n)]),
            ("everyday scenes", frames_of_kind("everyday", n, seed=4)),
        ]
        for name, images in kinds:
            rows.append((name, "demo", len(images), shares(demo, images)))
        if args.prm:
            rows.append(("PRM-attacked washers (8/255)", "demo", args.prm, shares(demo, prm_attacked(demo, args.prm))))
        rows.append(("clean washers", "demo", args.clean, shares(demo, washers(777, args.clean))))
        fixture = backdoored_fixture_dir() / "clip"
        if fixture.is_dir():
            cfg = config.default_config("washer")
            cfg.model = replace(cfg.model, clip=str(fixture))
            config.save(cfg, Path(tmp) / "backdoored")
            bd = Station.open(Path(tmp) / "backdoored")
            with bd.db.transaction() as s:
                boss = create_user(s, "boss", "manager", "bench-password", None)
                s.expunge_all()
            print("building a reference bank for the backdoored CLIP (generated frames) ...", file=sys.stderr)
            build_bank(bd, boss, generated=600, heldout=1000, use_reviews=False)
            defective = washers(99, n, defective_only=True)
            import numpy as np

            for trigger in (BADNET, BLENDED):
                stamped = [trigger.apply(im, np.random.default_rng(i)) for i, im in enumerate(defective)]
                rows.append((f"triggered defective washers ({trigger.kind})", "backdoored", len(stamped), shares(bd, stamped)))
            rows.append(("clean washers", "backdoored", args.clean, shares(bd, washers(778, args.clean))))
            bd.close()
        else:
            print(f"(no backdoored fixture at {fixture}: its rows are left out)", file=sys.stderr)
        demo.close()
    print(f"{'frames':<40}{'CLIP':<12}{'n':>6}{'passed':>9}{'review':>9}{'failed':>9}{'by gate':>9}{'extra':>8}"
          f"{'passed w/o gate':>17}")
    for name, station, count, s in rows:
        on, off = s[True], s[False]
        print(f"{name:<40}{station:<12}{count:>6}{on[PASS]:>9.1%}{on[REVIEW]:>9.1%}{on[FAIL]:>9.1%}{on['gate']:>9.1%}"
              f"{on[REVIEW] - off[REVIEW]:>8.1%}{off[PASS]:>17.1%}")
        if "clean" not in name:  # no whole good part in view: none may pass
            record(f"{name} passed ({station} CLIP, gate on)", "0%", f"{on[PASS]:.1%}", on[PASS] == 0)
        else:
            record(f"{name}: reviews the gate added ({station} CLIP)", "", f"{on[REVIEW] - off[REVIEW]:.1%}")
    print("by gate: frames whose reasons include 'no part / unfamiliar frame'; extra: reviews the gate added over the "
          "same station without it (on clean frames, the gate's false-review rate)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
