"""SIGTERM or Ctrl+C end a window as Quit would (a service manager stopping it, a shutdown)."""

from __future__ import annotations

import logging
import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

log = logging.getLogger(__name__)


class StopFromOutside:
    """SIGTERM or Ctrl+C (a service manager stopping the station, a shutdown) end the window as Quit would, without
    asking: the line stops, every frame already taken is recorded, the user is signed out, and the exit code is 0.
    A stop that comes before the window is up ends the start instead."""

    def __init__(self):
        self.asked = False
        self.window = None  # a window with `ending` and `end_now()` (the station's, the desk's)

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


def end_window(window) -> None:
    """Close `window` without asking (SIGTERM): a sign-in or message box waiting for an answer is answered "no"."""
    window.ending = True
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    window.close()
    QApplication.quit()
