"""What synchronous=FULL (a committed inspection survives a power cut) costs against NORMAL, in one run.

The same 300 simulated frames, batch by batch as the line runs, through two stations that differ only in the
SQLite setting; rounds alternate so a load swing hits both. Prints the median time per frame and the ratio.

    python bench/durability.py [--frames N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station.synth.camera import SyntheticSource  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.storage import db as db_mod  # noqa: E402


def station_with(setting: str, folder: Path) -> Station:
    db_mod.SYNCHRONOUS = setting  # read when the engine's connections open
    return Station.open(folder / setting)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stations = {s: station_with(s, Path(tmp)) for s in ("NORMAL", "FULL")}
        per_frame = {s: [] for s in stations}
        for _ in range(args.rounds):
            for setting, st in stations.items():
                source = SyntheticSource(seed=3, size=96, frames=args.frames)
                start = time.perf_counter()
                Pipeline(st, source_name="bench").run(source)
                per_frame[setting].append((time.perf_counter() - start) / args.frames * 1000)
        for st in stations.values():
            st.close()
    normal, full = (statistics.median(per_frame[s]) for s in ("NORMAL", "FULL"))
    print(f"per frame, median of {args.rounds} rounds of {args.frames}: NORMAL {normal:.2f} ms, FULL {full:.2f} ms; "
          f"FULL/NORMAL = {full / normal:.2f}")
    record("per-frame time, synchronous=FULL over NORMAL", "", f"{full / normal:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
