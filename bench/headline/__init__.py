"""Each benchmark's headline figures with their goals; `make bench` prints them as one table at the end.

A benchmark calls `record`; the figures go to the file `BENCH_FIGURES` names, one JSON object a line
(nowhere when a benchmark runs on its own). `python bench/headline FILE` prints the table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ENV = "BENCH_FIGURES"


def record(figure: str, goal: str, measured: str, met: bool | None = None) -> None:
    """`met`: whether the measured figure reaches the goal (None: a figure without a goal)."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = {"figure": figure, "goal": goal, "measured": measured, "met": met}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")


def table(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    cells = [("figure", "goal", "measured", "")] + [
        (r["figure"], r["goal"] or "-", r["measured"], {True: "met", False: "NOT MET", None: ""}[r["met"]])
        for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    out = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    out.insert(1, "  ".join("-" * w for w in widths).rstrip())
    return "\n".join(out)
