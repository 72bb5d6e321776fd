"""Review-queue reads on a small and a large database, measured interleaved in one run.

What the Review page does per page: one keyset page of 50 waiting inspections and the queue's length (counted up
to station.review.COUNT_LIMIT). Two databases are built up front, 1,000 and 100,000 waiting rows (among 1.5x as
many in all, the rest passed); each repeat times the small one and the large one back to back, which first
alternating, so a load swing on a busy machine hits both sides of a repeat's ratio alike. The figure is the
median of the per-repeat ratios (large/small) and their interquartile range.

"its SQL only" is the first page's statement with its rows read but no ORM objects made: the difference to
"first page" is the ORM's share.

    python bench/review_queue.py [--rows 100000] [--repeats 41]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station import review  # noqa: E402
from station.decision import REVIEW  # noqa: E402
from station.storage.db import Database, sqlite_url  # noqa: E402
from station.records import open_records  # noqa: E402
from station.storage.models import Inspection, Review  # noqa: E402

PAGE = 50
CALLS = 10  # calls per timing: a single call of 0.3 ms is at the timer's and the scheduler's mercy
READS = ("first page", "its SQL only", "last page", "queue length")


def fill(db: Database, waiting: int, decided: int = 0) -> None:
    """`decided` REVIEW rows a person has decided (the oldest), then `waiting` REVIEW rows, among 1.5x as many rows
    in all (every third passed)."""
    total = (decided + waiting) * 3 // 2
    rows = [dict(source="bench", origin="", image_path=f"bench/{i}.png", image_sha256="0" * 64, width=256, height=256,
                 verdict="REVIEW" if i % 3 else "PASS", reason="disagreement", label_a="a", conf_a=0.5, label_b="b",
                 conf_b=0.5, latency_ms=1.0) for i in range(total)]
    with db.transaction() as s:
        for start in range(0, total, 10_000):
            s.execute(insert(Inspection), rows[start:start + 10_000])
        first = s.scalars(select(Inspection.id).where(Inspection.verdict == REVIEW).order_by(Inspection.id)
                          .limit(decided)).all()
        reviews = [dict(inspection_id=i, label="a", good=True, note="") for i in first]
        for start in range(0, len(reviews), 10_000):
            s.execute(insert(Review), reviews[start:start + 10_000])


def timed(fn) -> float:
    t0 = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return 1000 * (time.perf_counter() - t0) / CALLS


def one_repeat(db: Database, last: int) -> list[float]:
    """ms per call of each of READS, in a fresh session as the service layer opens one per read."""
    first_rows = review._pending(0).limit(PAGE)
    with db.session() as s:
        return [timed(lambda: review.queue_page(s, after_id=0, limit=PAGE)),
                timed(lambda: s.connection().execute(first_rows).all()),  # Core: rows, no ORM objects
                timed(lambda: review.queue_page(s, after_id=max(0, last - 2 * PAGE), limit=PAGE)),
                timed(lambda: review.pending_count(s))]


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return q1, q2, q3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000, help="waiting rows in the large database")
    ap.add_argument("--repeats", type=int, default=41)
    args = ap.parse_args()
    sizes = {"small": 1_000, "large": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        dbs, last = {}, {}
        for name, waiting in sizes.items():
            (Path(tmp) / name).mkdir()
            dbs[name] = open_records(sqlite_url(Path(tmp) / name))
            fill(dbs[name], waiting, decided=args.rows if name == "large" else 0)
            with dbs[name].session() as s:
                last[name] = s.scalar(select(func.max(Inspection.id)).where(Inspection.verdict == REVIEW))
                plan = s.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + str(review._pending(0).limit(PAGE).compile(
                        compile_kwargs={"literal_binds": True}))).all()
            for name_ in dbs:
                one_repeat(dbs[name_], last[name_])  # warm: the pages each read touches are in the cache
        times: dict[str, list[list[float]]] = {"small": [], "large": []}
        for i in range(args.repeats):
            for name in (("small", "large") if i % 2 == 0 else ("large", "small")):
                times[name].append(one_repeat(dbs[name], last[name]))
        for db in dbs.values():
            db.close()

    print(f"first page's plan ({sizes['large']:,} waiting after {args.rows:,} decided): " + "; ".join(row[-1] for row in plan))
    print(f"{'median ms per read':<20}" + "".join(f"{r:>14}" for r in READS))
    for name, waiting in sizes.items():
        medians = [statistics.median(t[k] for t in times[name]) for k in range(len(READS))]
        print(f"{f'{waiting:,} waiting' + (', as many decided' if name == 'large' else ''):<20}" + "".join(f"{m:>14.3f}" for m in medians))
    print(f"ratio large/small over {args.repeats} interleaved repeats: median [interquartile range]")
    for k, r in enumerate(READS):
        q1, q2, q3 = quartiles([big[k] / small[k] for small, big in zip(times["small"], times["large"])])
        print(f"  {r:<16}{q2:.2f}x  [{q1:.2f}x - {q3:.2f}x]")
        if r in ("first page", "queue length"):
            record(f"review queue: {r}, {sizes['large']:,} against 1,000 waiting", "<= 1.5x", f"{q2:.2f}x", q2 <= 1.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
