"""Start the plant's review desk: reach the plant off the GUI thread, sign in a reviewer, show the desk.

Nothing here loads a model or imports torch: a desk is an office PC that sees the plant database and store."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from station.service.desk import open_desk

from .desk_window import DeskWindow
from .i18n import configured_language, set_up_language
from .messages import error_words
from .signin import SignInDialog
from .starting import with_notice
from .stop_signals import StopFromOutside


def main(data_dir: Path | str, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Plant review desk")
    _, notice = set_up_language(configured_language(data_dir))  # a notice is logged, and said at sign-in
    with StopFromOutside() as stop:
        return _run(Path(data_dir), stop, notice)


def _run(data_dir: Path, stop: StopFromOutside, notice: str = "") -> int:
    try:
        text = QCoreApplication.translate("Desk", "Opening the plant review desk ...\nreaching the plant {folder} names")
        desk = with_notice(text.format(folder=data_dir), lambda _job: open_desk(data_dir), "open desk")
    except Exception as e:
        QMessageBox.critical(None, QCoreApplication.translate("Desk", "The desk could not start"),
                             QCoreApplication.translate("Desk", "{error}\n\nFix this, then start the desk again.")
                             .format(error=error_words(e)))
        return 1
    try:
        while not stop.asked:
            dialog = SignInDialog(desk.records, notice)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
            try:
                reviewing = desk.reviewing(dialog.user)
            except Exception as e:  # an operator's account: the desk is for reviewers and managers
                QMessageBox.warning(None, QCoreApplication.translate("Desk", "Plant review desk"), error_words(e))
                continue
            window = DeskWindow(desk, reviewing, dialog.user)
            stop.window = window
            window.showMaximized()
            print(f"The plant review desk is open on {data_dir} for {dialog.user.username}.", file=sys.stderr,
                  flush=True)
            return QApplication.instance().exec()
        return 0
    finally:
        desk.close()
