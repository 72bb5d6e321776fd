"""Slow start-up work (opening the station, reaching the plant) on a worker thread while a small window says what
is happening."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QLabel

from .jobs import Job


def with_notice(text: str, work, name: str):
    """`work(job)`'s result, run on its own thread while `text` shows; what it raised is raised here (a
    StationError names the problem and the fix)."""
    notice = QLabel(text)
    notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
    notice.setMinimumSize(420, 120)
    notice.setWindowTitle(QCoreApplication.translate("App", "Inspection station"))
    notice.show()
    outcome: dict = {}
    job = Job(work, name)
    job.succeeded.connect(lambda result: outcome.update(result=result))
    job.failed.connect(lambda error: outcome.update(error=error))
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    loop.exec()
    job.wait()
    notice.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
