"""Start the station application: open the station off the GUI thread, sign in, show the window."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from station.service.accounts import ensure_demo_accounts
from station.paths import resources_dir
from station.service import inspection
from station.service.inspection import Pipeline, Station

from .context import AppContext
from .i18n import configured_language, set_up_language
from .jobs import Job
from .main_window import MainWindow
from .messages import error_words

log = logging.getLogger(__name__)


def open_station(app: QApplication, data_dir: Path) -> Station:
    """The station opened on a worker thread while a small window says what is happening."""
    splash = QLabel(QCoreApplication.translate("App", "Starting the inspection station ...\nloading models from {folder}")
                    .format(folder=data_dir))
    splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
    splash.setMinimumSize(420, 120)
    splash.setWindowTitle(QCoreApplication.translate("App", "Inspection station"))
    splash.show()
    outcome: dict = {}
    job = Job(lambda _job: inspection.open_station(data_dir), "open station")
    job.succeeded.connect(lambda st: outcome.update(station=st))
    job.failed.connect(lambda error: outcome.update(error=error))
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    loop.exec()
    job.wait()
    splash.close()
    if "error" in outcome:
        raise outcome["error"]  # as Station.open raised it: a StationError names the problem and the fix
    return outcome["station"]


def build_window(station: Station, hint: str = "") -> MainWindow:
    ctx = AppContext(station=station, pipeline=Pipeline(station))
    return MainWindow(ctx, sign_in_hint=hint)


def main(data_dir: Path | str, demo: bool = False, kiosk: bool = False, argv: list[str] | None = None) -> int:
    """kiosk: full screen, for a station that starts the application at login."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Inspection station")
    app.setDesktopFileName("inspection-station")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "inspection-station.svg")))
    set_up_language(configured_language(data_dir))  # before any window: `[ui] language`, else the system's
    with StopFromOutside() as stop:  # from here on, SIGTERM or Ctrl+C ends the station cleanly
        return _run(app, Path(data_dir), demo, kiosk, stop)


def _run(app: QApplication, data_dir: Path, demo: bool, kiosk: bool, stop: "StopFromOutside") -> int:
    try:
        station = open_station(app, data_dir)
    except Exception as e:
        QMessageBox.critical(None, QCoreApplication.translate("App", "The station could not start"),
                             QCoreApplication.translate("App", "{error}\n\nFix this, then start the station again.")
                             .format(error=error_words(e)))
        return 1
    if stop.asked:  # stopped while the models loaded
        station.close()
        return 0
    hint = ensure_demo_accounts(station.db) if demo else ""
    window = build_window(station, hint)
    stop.window = window
    app.installEventFilter(window.idle_watcher)
    window.ctx.start_links()  # after the window: its header shows each link's state
    if kiosk:
        window.showFullScreen()
    else:
        window.showMaximized()  # a station's screen is the station's: 1024x768 panel or 1920x1080 monitor
    print(f"The station window is open on {data_dir}. {hint}".rstrip(), file=sys.stderr, flush=True)
    try:
        if not window.ask_sign_in():
            return 0
        return app.exec()
    finally:
        window.ctx.stop_links()
        station.close()


class StopFromOutside:
    """SIGTERM or Ctrl+C (a service manager stopping the station, a shutdown) end the window as Quit would, without
    asking: the line stops, every frame already taken is recorded, the user is signed out, and the exit code is 0.
    A stop that comes before the window is up ends the start instead."""

    def __init__(self):
        self.asked = False
        self.window: MainWindow | None = None

    def _end(self, signum, _frame) -> None:
        log.info("signal %s: closing the station", signum)
        self.asked = True
        if self.window is not None:
            self.window.ending = True
            QTimer.singleShot(0, self.window.end_now)  # in whichever event loop runs now (a sign-in dialog's, say)

    def __enter__(self) -> "StopFromOutside":
        self._previous = {sig: signal.signal(sig, self._end) for sig in (signal.SIGTERM, signal.SIGINT)}
        self._wake = QTimer()  # Python runs signal handlers only between bytecodes: let it in while Qt waits
        self._wake.timeout.connect(lambda: None)
        self._wake.start(200)
        return self

    def __exit__(self, *exc) -> None:
        self._wake.stop()
        for sig, handler in self._previous.items():
            # once stopped, a second stop is ignored while the process ends: a service manager signals every
            # process of the station and the demo's launcher passes its own on, and the default action would kill
            # the window's process half way through its clean end
            signal.signal(sig, signal.SIG_IGN if self.asked else handler)
