"""A shift in miniature: resident memory over thousands of frames, latency against database size.

1. Runs the demo station over N simulated frames and prints resident memory
   (RSS) after the warm-up and at the end: the growth per 1,000 frames.
2. Measures per-frame latency on a fresh database, then after adding M rows,
   and prints the ratio (it should stay near 1).

    python bench/soak.py [--frames 3000] [--rows 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from station import config  # noqa: E402
from station.synth.camera import SyntheticSource  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.storage.models import Inspection  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def latency_ms(pipeline: Pipeline, n: int, seed: int) -> float:
    times = []
    source = SyntheticSource(seed=seed, size=128)
    for _ in range(n):
        frame = source.read()
        t0 = time.perf_counter()
        pipeline.inspect([frame])
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def add_rows(station: Station, count: int) -> None:
    now = datetime.now(timezone.utc)
    chunk = 5000
    for start in range(0, count, chunk):
        rows = [dict(created_at=now, source="bench", origin="", image_path="none.png", image_sha256="0" * 64,
                     width=1, height=1, verdict=("REVIEW" if i % 7 == 0 else "PASS"), reason="", label_a="washer/good",
                     conf_a=0.9, label_b="washer/good", conf_b=0.9, latency_ms=1.0, manual_mode=False)
                for i in range(start, min(count, start + chunk))]
        with station.db.transaction() as s:
            s.execute(Inspection.__table__.insert(), rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=3000)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        cfg = config.default_config()
        config.save(cfg, data)
        cfg.failsafe.max_review_share = 1.0  # in memory only (a saved file may not disable the fail-safe)
        station = Station.open(data, config=cfg)
        pipeline = Pipeline(station, source_name="soak")

        warm = min(500, args.frames // 4)
        pipeline.run(SyntheticSource(seed=1, size=128), max_frames=warm)
        before, t0 = rss_mib(), time.monotonic()
        pipeline.run(SyntheticSource(seed=2, size=128), max_frames=args.frames - warm)
        after, elapsed = rss_mib(), time.monotonic() - t0
        per_k = (after - before) / max(1, args.frames - warm) * 1000
        print(f"memory: {before:.0f} MiB after {warm} frames, {after:.0f} MiB after {args.frames} "
              f"({per_k:+.2f} MiB per 1,000 frames); {(args.frames - warm) / elapsed:.1f} frames/s")

        small = latency_ms(pipeline, 60, seed=3)
        add_rows(station, args.rows)
        large = latency_ms(pipeline, 60, seed=4)
        print(f"latency: {small:.1f} ms per frame with {args.frames} rows, {large:.1f} ms with "
              f"{args.frames + args.rows} rows: ratio {large / small:.2f}")
        station.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
