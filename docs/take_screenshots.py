"""Screenshots of every page of the station window, for the README, at the size of a line's 1024x768 panel.

Run on a real X display (e.g. `xvfb-run -s "-screen 0 1920x1080x24" python docs/take_screenshots.py`).
`--language ja` takes them of the Japanese window instead (docs/screens/ja-*.png); Japanese needs a font with
Japanese glyphs (Debian: fonts-noto-cjk). The live page is taken while it runs, as the operator sees it, and
once more at 1920x1080 (live-1920.png).
A demo station is filled first: a shift of simulated parts (some for review), a backdoor
probe and an attack test, and a prompt set tuned from reviewed parts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from station import review  # noqa: E402
from station.auth import sign_in  # noqa: E402
from station.capture import open_source  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.prompts.rvpt import RvptRecipe  # noqa: E402
from station.prompts.workflow import tune_and_register  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.selftest import reference  # noqa: E402
from station.selftest.backdoor_probe import run_backdoor_probe  # noqa: E402
from station.selftest.prm_runner import PrmRunSettings, run_prm_selftest  # noqa: E402
from station.storage.models import Inspection  # noqa: E402
from station.service.accounts import DEMO_PASSWORD, ensure_demo_accounts  # noqa: E402
from ui.app import build_window  # noqa: E402
from ui.i18n import install_translators  # noqa: E402

OUT = Path(__file__).resolve().parent / "screens"


def settle(app, seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        app.processEvents()
        time.sleep(0.01)


def fill(station: Station) -> None:
    manager = sign_in(station.db, "manager", DEMO_PASSWORD, via="screenshots")
    reviewer = sign_in(station.db, "reviewer", DEMO_PASSWORD, via="screenshots")
    station.config.thresholds.conf_a = 1.0  # every part to the review queue, to have labelled examples
    Pipeline(station, operator=manager, source_name="screenshots").run(open_source("synthetic", seed=5, defect_rate=0.4, family="washer", frames=160))
    with station.db.transaction() as s:  # a reviewer labels most of the queue; the rest waits
        queue = review.queue_page(s, limit=1000)
        for row in queue[12:]:
            truth = s.get(Inspection, row.id).truth
            review.decide(s, row.id, truth, station.good, s.merge(reviewer))
    station.config.thresholds.conf_a = 0.5
    tune_and_register(station, manager, RvptRecipe(tokens_per_block=10, epochs=10, shots_per_class=3), name="line-1",
                      make_active=True)
    station.reload_prompts()
    refs = reference.generated(station, 10)
    run_backdoor_probe(station, refs, manager)
    for eps, iterations in ((1, 10), (8, 250)):  # the first is too weak to bite: the history flags it
        run_prm_selftest(station, refs[:8], PrmRunSettings(eps=[eps / 255], iterations=iterations), manager)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=("en", "ja"), default="en",
                        help="the window's language; ja writes docs/screens/ja-*.png")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    if not install_translators(args.language):
        print("no translation for", args.language, file=sys.stderr)
        return 1
    prefix = "" if args.language == "en" else f"{args.language}-"
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        station = Station.open(tmp)
        ensure_demo_accounts(station.db)
        fill(station)
        Pipeline(station).reset_failsafe(sign_in(station.db, "manager", DEMO_PASSWORD, via="screenshots"),
                                         note="after filling the demo station")
        window = build_window(station)
        window.show()

        def shoot(name: str, size=(1024, 768)) -> None:
            window.resize(*size)
            settle(app, 1.5)
            window.screen().grabWindow(window.winId(), 0, 0, *size).save(str(OUT / f"{prefix}{name}.png"))

        window.set_user(sign_in(station.db, "operator", DEMO_PASSWORD, via="screenshots"))
        live = window.page("LivePage")
        station.config.source.fps = 6.0  # a camera's pace, as the demo station's
        live.start()  # the operator's window: one page, no page list
        settle(app, 4)
        shoot("live")
        shoot("live-1920", (1920, 1080))
        live.stop_and_wait()
        live.display.confirm()
        window.set_user(sign_in(station.db, "manager", DEMO_PASSWORD, via="screenshots"))
        for name, file in [("ReviewPage", "review"), ("SelftestPage", "selftests"), ("PromptsPage", "prompts"),
                           ("SettingsPage", "settings"), ("UsersPage", "users")]:
            window.show_page(name)
            shoot(file)
        station.close()
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
