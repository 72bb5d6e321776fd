"""The demo's bundled reference bank, shipped beside the demo models it was built on.

A new demo station starts with it, so its gate is open from the first frame. It holds the demo
CLIP's sha256 and is refused by any other model, so it is made again whenever `station
demo-train` writes new models (`make demo-train` does both):

    python -m station.gate.bundled_bank [--generated 600] [--heldout 1000]

It is made on a fresh washer station in a temporary folder (no prompts, no reviews), from
generated frames only: `--generated` for the bank, `--heldout` to calibrate its thresholds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ..progress import QUIET, PrintedProgress, Progress
from .store import DEMO_SOURCES, bundled_bank_path, make_bank


def build_bundled_bank(generated: int | None = None, heldout: int | None = None, out: Path | None = None,
                       progress: Progress = QUIET) -> Path:
    from .. import config
    from ..runtime import Station

    demo = DEMO_SOURCES["generated"]
    sources = {"generated": {**demo, "count": demo["count"] if generated is None else generated,
                             "heldout_count": demo["heldout_count"] if heldout is None else heldout}}
    out = Path(out or bundled_bank_path())
    with tempfile.TemporaryDirectory(prefix="bundled-bank.") as tmp:
        station = Station.open(Path(tmp) / "data", config=config.default_config("washer"))
        try:
            bank = make_bank(station, sources, "demo", progress)
        finally:
            station.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    bank.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m station.gate.bundled_bank", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--generated", type=int, default=None, help="frames in the bank (default 600)")
    p.add_argument("--heldout", type=int, default=None, help="frames that calibrate its thresholds (default 1000)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    started = time.monotonic()
    out = build_bundled_bank(args.generated, args.heldout, progress=PrintedProgress("bundled bank", args.quiet))
    print(f"the bundled reference bank written to {out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
