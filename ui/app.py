"""Start the station application: open the station off the GUI thread, sign in, show the window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from station.service.accounts import ensure_demo_accounts
from station.paths import resources_dir
from station.service import inspection
from station.service.inspection import Pipeline, Station

from .context import AppContext
from .i18n import configured_language, set_up_language
from .main_window import MainWindow
from .messages import error_words
from .starting import with_notice
from .stop_signals import StopFromOutside


def open_station(app: QApplication, data_dir: Path) -> Station:
    """The station opened on a worker thread while a small window says what is happening."""
    text = QCoreApplication.translate("App", "Starting the inspection station ...\nloading models from {folder}")
    return with_notice(text.format(folder=data_dir), lambda _job: inspection.open_station(data_dir), "open station")


def build_window(station: Station, hint: str = "") -> MainWindow:
    ctx = AppContext(station=station, pipeline=Pipeline(station))
    return MainWindow(ctx, sign_in_hint=hint)


def main(data_dir: Path | str, demo: bool = False, kiosk: bool = False, argv: list[str] | None = None) -> int:
    """kiosk: full screen, for a station that starts the application at login."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Inspection station")
    app.setDesktopFileName("inspection-station")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "inspection-station.svg")))
    # before any window: `[ui] language`, else the system's; a notice is logged, and said at sign-in
    _, notice = set_up_language(configured_language(data_dir))
    with StopFromOutside() as stop:  # from here on, SIGTERM or Ctrl+C ends the station cleanly
        return _run(app, Path(data_dir), demo, kiosk, stop, notice)


def _run(app: QApplication, data_dir: Path, demo: bool, kiosk: bool, stop: StopFromOutside, notice: str = "") -> int:
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
    hint = "\n\n".join(text for text in (notice, hint) if text)  # said at every sign-in until it is fixed
    window = build_window(station, hint)
    stop.window = window
    app.installEventFilter(window.idle_watcher)
    window.ctx.start_links()  # after the window: its header shows each link's state
    try:
        window.ctx.start_forwarding()  # with [plant] set; its state shows in the header too
    except Exception as e:  # a [plant] the station cannot use: said, and the line runs without it
        QMessageBox.warning(window, QCoreApplication.translate("App", "Forwarding to the plant"),
                            QCoreApplication.translate("App", "Frames are not forwarded to the plant: {error}")
                            .format(error=error_words(e)))
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
        window.ctx.stop_forwarding()
        station.close()
