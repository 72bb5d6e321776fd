"""A shift in miniature: resident memory over thousands of frames, latency against database size.

1. Runs the demo station over N simulated frames with torch on 1 thread, then on 2, and
   prints resident memory (RSS) after each warm-up and at the end, and its growth per 1,000
   frames: the slope of a line fitted to RSS read every 100 frames over the last two thirds
   of the run. The first few hundred frames after the warm-up raise RSS once, by 10-15 MiB
   (caches filling to their caps: SQLite's per connection, the WAL's index, the allocator's
   per-thread arenas), then it stays flat; a line from the warm-up to the end reads that step
   as growth (about +5 MiB per 1,000 frames over a short run), the fit over the steady part
   does not. A leak grows in every third.
2. Measures per-frame latency on a fresh database, then after adding M rows,
   and prints the ratio (it should stay near 1).

    python bench/soak.py [--frames 3000] [--rows 100000] [--busy-core]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from threads import burn  # noqa: E402  (bench/threads.py: the process that keeps one core busy)
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


def slope_per_k(points: list[tuple[int, float]]) -> float:
    """Least-squares MiB per 1,000 frames."""
    if len(points) < 2:
        return float("nan")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def soak(pipeline: Pipeline, frames: int, seed: int) -> tuple[float, float, float, float]:
    """RSS after a warm-up, at the end, its slope per 1,000 frames, and frames a second."""
    warm = min(500, frames // 4)
    pipeline.run(SyntheticSource(seed=seed, size=128), max_frames=warm)
    points = [(0, rss_mib())]

    def sample(result) -> None:
        n = result.frame.index + 1
        if n % 100 == 0:
            points.append((n, rss_mib()))

    t0 = time.monotonic()
    pipeline.run(SyntheticSource(seed=seed + 1, size=128), max_frames=frames - warm, on_result=sample)
    elapsed = time.monotonic() - t0
    steady = points[len(points) // 3:]
    return points[0][1], rss_mib(), slope_per_k(steady), (frames - warm) / elapsed


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
    ap.add_argument("--busy-core", action="store_true", help="beside a process that keeps one core busy")
    args = ap.parse_args()
    stop = multiprocessing.Event()
    if args.busy_core:
        multiprocessing.Process(target=burn, args=(stop,), daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        cfg = config.default_config()
        config.save(cfg, data)
        cfg.failsafe.max_review_share = 1.0  # in memory only (a saved file may not disable the fail-safe)
        station = Station.open(data, config=cfg)
        pipeline = Pipeline(station, source_name="soak")

        for n in (1, 2):
            torch.set_num_threads(n)
            before, after, per_k, rate = soak(pipeline, args.frames, seed=10 * n)
            print(f"memory, {n} thread(s){', one core busy' if args.busy_core else ''}: {before:.0f} MiB after the "
                  f"warm-up, {after:.0f} MiB after {args.frames} frames ({per_k:+.2f} MiB per 1,000 frames); "
                  f"{rate:.1f} frames/s")
            record(f"resident memory per 1,000 frames, {n} thread(s){', one core busy' if args.busy_core else ''}",
                   "<= 1 MiB", f"{per_k:+.2f} MiB", per_k <= 1.0)

        recorded = 2 * args.frames  # a soak at each thread count
        small = latency_ms(pipeline, 60, seed=3)
        add_rows(station, args.rows)
        large = latency_ms(pipeline, 60, seed=4)
        print(f"latency: {small:.1f} ms per frame with {recorded:,} rows, {large:.1f} ms with "
              f"{recorded + 60 + args.rows:,} rows: ratio {large / small:.2f}")
        record(f"latency with {args.rows:,} more rows in the database", "<= 1.2x", f"{large / small:.2f}x",
               large / small <= 1.2)
        station.close()
    stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
