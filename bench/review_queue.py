"""Review-queue reads on a small and a large database, in one run.

What the Review page does per page: one keyset page of 50 waiting inspections and the
queue's length. Measured with 1,000 and with 100,000 waiting rows (among half as many
decided ones); the figure is the ratio, since these machines are noisy.

    python bench/review_queue.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from station import review  # noqa: E402
from station.storage.db import Database, sqlite_url  # noqa: E402
from station.records import open_records  # noqa: E402
from station.storage.models import Inspection  # noqa: E402


def fill(db: Database, start: int, count: int) -> None:
    rows = [dict(source="bench", origin="", image_path=f"bench/{i}.png", image_sha256="0" * 64, width=256, height=256,
                 verdict="REVIEW" if i % 3 else "PASS", reason="disagreement", label_a="a", conf_a=0.5, label_b="b",
                 conf_b=0.5, latency_ms=1.0) for i in range(start, start + count)]
    with db.transaction() as s:
        s.execute(insert(Inspection), rows)


def timings(db: Database, repeats: int = 20) -> tuple[float, float, float]:
    first, deep, count = [], [], []
    with db.session() as s:
        last = review.queue_page(s, limit=1_000_000)[-1].id
        for _ in range(repeats):
            t0 = time.perf_counter()
            review.queue_page(s, after_id=0, limit=50)
            t1 = time.perf_counter()
            review.queue_page(s, after_id=max(0, last - 100), limit=50)
            t2 = time.perf_counter()
            review.pending_count(s)
            t3 = time.perf_counter()
            first.append(t1 - t0), deep.append(t2 - t1), count.append(t3 - t2)
    return tuple(1000 * statistics.median(v) for v in (first, deep, count))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000, help="waiting rows in the large database")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_records(sqlite_url(Path(tmp)))
        fill(db, 0, 1_500)
        small = timings(db)
        fill(db, 1_500, int(args.rows * 1.5) - 1_500)
        large = timings(db)
        db.close()
    print(f"{'median ms':<22}{'first page':>12}{'last page':>12}{'queue length':>14}")
    print(f"{'1,000 waiting':<22}{small[0]:>12.2f}{small[1]:>12.2f}{small[2]:>14.2f}")
    print(f"{f'{args.rows:,} waiting':<22}{large[0]:>12.2f}{large[1]:>12.2f}{large[2]:>14.2f}")
    print("ratio large/small: " + ", ".join(f"{n} {b / a:.1f}x" for n, a, b in
                                            zip(("first page", "last page", "queue length"), small, large)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
