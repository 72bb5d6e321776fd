"""Long work off the GUI thread: a QThread that runs one station function.

The function receives a `Job` and calls `job.report(done, total, text)` for
progress and `job.should_stop()` to honour Cancel: the same callbacks the CLI
passes, so the GUI runs exactly the code the CLI and the tests run.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from .messages import words

log = logging.getLogger(__name__)


class Job(QThread):
    progress = Signal(int, int, str)  # done, total, what
    succeeded = Signal(object)
    failed = Signal(object)  # the exception: a handler words it for people (messages.error_words) or acts on its type
    cancelled = Signal()

    def __init__(self, work: Callable[["Job"], Any], name: str, parent=None):
        super().__init__(parent)
        self.work = work
        self.setObjectName(name)
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        self.progress.emit(int(done), int(total), words(text))  # a station Message, in the window's language

    def run(self) -> None:
        try:
            result = self.work(self)
        except Exception as e:  # shown to the user; the station keeps running
            if self._stop.is_set():
                self.cancelled.emit()
                return
            log.error("%s failed: %s", self.objectName(), "".join(traceback.format_exception(e)))
            self.failed.emit(e)
            return
        if self._stop.is_set():
            self.cancelled.emit()
        else:
            self.succeeded.emit(result)


def start_job(owner, work: Callable[[Job], Any], name: str, on_success=None, on_failure=None, on_progress=None,
              on_cancel=None, on_end=None) -> Job:
    """Start `work` on its own thread; the owner keeps the job alive until it ends. Every slot is connected before
    the thread starts: work that ends at once still reaches `on_end` (connected afterwards, it could be missed)."""
    job = Job(work, name, owner)
    for signal, slot in ((job.succeeded, on_success), (job.failed, on_failure), (job.progress, on_progress),
                         (job.cancelled, on_cancel), (job.finished, on_end)):
        if slot is not None:
            signal.connect(slot)
    job.finished.connect(job.deleteLater)
    job.start()
    return job
