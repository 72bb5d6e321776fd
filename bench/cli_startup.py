"""How fast `station --version` and `station --help` answer, against a bare Python start in the same run.

A person typing `station --help` should not wait for torch: the parser imports no model code.
For contrast, a command that loads the models (`station inspect --frames 1`) is timed too.

    python bench/cli_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headline import record  # noqa: E402

STATION = Path(sys.executable).with_name("station")


def median_s(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    bare = median_s([sys.executable, "-c", "pass"], args.repeat)
    version = bare
    print(f"{'command':<40}{'median s':>10}{'x bare python':>15}")
    print(f"{'python -c pass (baseline)':<40}{bare:>10.3f}{1.0:>15.1f}")
    for words in (["--version"], ["--help"]):
        t = median_s([str(STATION), *words], args.repeat)
        version = t if words == ["--version"] else version
        print(f"{'station ' + ' '.join(words):<40}{t:>10.3f}{t / bare:>15.1f}")
    with tempfile.TemporaryDirectory() as d:
        words = ["--data-dir", d, "inspect", "--source", "synthetic", "--frames", "1"]
        t = median_s([str(STATION), *words], max(1, args.repeat // 3))
        print(f"{'station inspect --frames 1 (loads models)':<40}{t:>10.3f}{t / bare:>15.1f}")
    record("station --version over bare python", "", f"{version / bare:.1f}x")


if __name__ == "__main__":
    main()
