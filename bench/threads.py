"""A frame's latency split into waiting and service, with torch on 1 and on 2 threads, idle and loaded.

The demo station runs the simulated camera through `Pipeline.run` (capture thread, batches, image
written and row committed), as `station run` does:
1. as fast as it goes, for each thread count: the sustainable rate (frames a second);
2. at a camera rate the slower setting sustains (80% of it), for each thread count, on an idle
   machine and beside a process that keeps one core busy: median latency, its waiting (captured ->
   the batch starts) and service (the batch's own time) parts, and how busy the pipeline was.
Rounds alternate the thread counts, so a load swing on a busy machine hits both alike.

    python bench/threads.py [--frames 300] [--rounds 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station import config, threads  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.synth.camera import SyntheticSource  # noqa: E402

SETTINGS = (1, 2)


def run_line(station: Station, frames: int, fps: float, seed: int) -> dict:
    """One line run; per frame: waiting (captured -> its batch starts) and service (the batch's time)."""
    pipeline = Pipeline(station, source_name="bench")
    inspect = pipeline.inspect
    waiting, service, busy = [], [], [0.0]

    def timed(batch):
        t0 = time.time()
        results = inspect(batch)
        t1 = time.time()
        busy[0] += t1 - t0
        for r in results:
            waiting.append(t0 - r.frame.timestamp)
            service.append(t1 - t0)
        return results

    pipeline.inspect = timed
    source = SyntheticSource(seed=seed, size=256, fps=fps or None)
    start = time.time()
    done = pipeline.run(source, max_frames=frames)
    wall = time.time() - start
    latency = [w + s for w, s in zip(waiting, service)]
    return {"rate": done / wall, "latency": 1000 * statistics.median(latency),
            "waiting": 1000 * statistics.median(waiting), "service": 1000 * statistics.median(service),
            "busy": busy[0] / wall}


def burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def median_of(rows: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=300, help="frames per run")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds per setting")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {threads.cores()} cores; the station's default: "
          f"{threads.chosen(0)} thread(s); demo models, gate on, 256 px frames")
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config.default_config("washer")
        config.save(cfg, Path(tmp))
        cfg.failsafe.max_review_share = 1.0  # in memory: keep deciding whatever the share of reviews
        station = Station.open(Path(tmp), config=cfg)
        try:
            run_line(station, 20, 0, seed=1)  # warm-up: first batches, caches
            fastest = {n: [] for n in SETTINGS}
            for r in range(args.rounds):
                for n in SETTINGS:
                    torch.set_num_threads(n)
                    fastest[n].append(run_line(station, args.frames, 0, seed=100 + r))
            sustained = {n: median_of(fastest[n])["rate"] for n in SETTINGS}
            camera = 0.8 * min(sustained.values())
            paced = {(n, load): [] for n in SETTINGS for load in (False, True)}
            for load in (False, True):
                stop = multiprocessing.Event()
                burner = multiprocessing.Process(target=burn, args=(stop,), daemon=True) if load else None
                if burner:
                    burner.start()
                try:
                    for r in range(args.rounds):
                        for n in SETTINGS:
                            torch.set_num_threads(n)
                            paced[n, load].append(run_line(station, args.frames, camera, seed=200 + r))
                finally:
                    stop.set()
                    if burner:
                        burner.join()
        finally:
            station.close()
    print("sustainable rate, as fast as the line goes: "
          + ", ".join(f"{n} thread(s) {sustained[n]:.1f} frames/s" for n in SETTINGS))
    print(f"camera at {camera:.1f} frames/s (80% of the slower), medians over {args.rounds} round(s):")
    print(f"{'threads':<9}{'machine':<16}{'latency':>10}{'waiting':>10}{'service':>10}{'latency/service':>17}"
          f"{'busy':>7}")
    for (n, load), rows in paced.items():
        m = median_of(rows)
        print(f"{n:<9}{'one core busy' if load else 'idle':<16}{m['latency']:>7.1f} ms{m['waiting']:>7.1f} ms"
              f"{m['service']:>7.1f} ms{m['latency'] / m['service']:>16.2f}x{m['busy']:>7.0%}")
        if n == threads.chosen(0):
            ratio = m["latency"] / m["service"]
            record(f"latency / service, camera at 80% of the sustainable rate, {n} thread(s) (the default), "
                   f"{'one core busy' if load else 'idle'}", "<= 2x", f"{ratio:.2f}x", ratio <= 2)
    record("sustainable frames/s, 1 thread against 2", "", f"{sustained[1]:.1f} / {sustained[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
