"""Event-loop latency of the station window while the line runs at full speed, in one run.

A 10 ms timer runs in the GUI thread; its lateness is how long the window could not
react. Measured first with the window idle (the baseline) and then while the live page
inspects simulated parts as fast as the models allow (capture, both checks, PNG write
and database commit on the live thread). Offscreen Qt; the demo models.

    python bench/gui_latency.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from headline import record  # noqa: E402
from station.auth import create_user, sign_in  # noqa: E402
from station.runtime import Station  # noqa: E402
from ui.app import build_window  # noqa: E402


def lateness(app: QApplication, seconds: float, interval_ms: int = 10) -> list[float]:
    late, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        late.append(max(0.0, (now - last[0]) * 1000 - interval_ms))
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(interval_ms)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return late[1:]


def describe(name: str, late: list[float]) -> str:
    q = statistics.quantiles(late, n=100)
    return f"{name:<28}{len(late):>8}{statistics.median(late):>10.2f}{q[94]:>10.2f}{q[98]:>10.2f}{max(late):>10.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        station = Station.open(tmp)
        with station.db.transaction() as s:
            create_user(s, "op", "manager", "bench-password", None)
        window = build_window(station)
        window.show()
        window.set_user(sign_in(station.db, "op", "bench-password", via="bench"))
        idle = lateness(app, args.seconds / 2)
        live = window.page("LivePage")
        live.start()
        busy = lateness(app, args.seconds)
        frames = live.runner.frames
        live.stop_and_wait()
        station.close()
    print(f"event-loop lateness of a 10 ms timer, ms (offscreen Qt, {os.cpu_count()} cores)")
    print(f"{'':<28}{'ticks':>8}{'median':>10}{'p95':>10}{'p99':>10}{'max':>10}")
    print(describe("window idle (baseline)", idle))
    print(describe("line at full speed", busy))
    print(f"parts inspected meanwhile: {frames} ({frames / args.seconds:.0f}/s); "
          f"p99 ratio busy/idle {statistics.quantiles(busy, n=100)[98] / max(statistics.quantiles(idle, n=100)[98], 1e-3):.1f}x; "
          f"goal: p99 under 50 ms -> {'met' if statistics.quantiles(busy, n=100)[98] < 50 else 'NOT met'}")
    p99 = statistics.quantiles(busy, n=100)[98]
    record("window's timer lateness (p99) while the line runs at full speed", "< 50 ms", f"{p99:.1f} ms", p99 < 50)
    return 0


if __name__ == "__main__":
    sys.exit(main())
