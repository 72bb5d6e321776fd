"""Reading the station's records for a page off the GUI thread, so a busy database never freezes the window.

A page asks with a function built on the GUI thread (it captures who is signed in and what to read); the read
runs on a job thread and its answer comes back to the page's `show` on the GUI thread. Asked again while a read
runs, the newest question runs once that one ends and only its answer is shown: nothing stale is painted over
something newer.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from .jobs import start_job


class ReadProblem(QLabel):
    """Where a page says that a read failed (the database busy or gone): said, not hidden; gone once one works."""

    def __init__(self, parent=None):
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setStyleSheet("color:#b3261e;")
        self.setVisible(False)


class PageRead(QObject):
    def __init__(self, owner: QObject, name: str, show: Callable[[Any], None],
                 failed: Callable[[Exception], None] | None = None):
        super().__init__(owner)
        self.setObjectName(name)
        self.owner, self.show, self.failed = owner, show, failed
        self.job = None
        self.waiting: Callable[[], Any] | None = None  # the newest question, asked while a read ran

    @property
    def busy(self) -> bool:
        return self.job is not None or self.waiting is not None

    def request(self, read: Callable[[], Any]) -> None:
        if self.job is not None:
            self.waiting = read
            return
        self.job = start_job(self.owner, lambda _job: read(), self.objectName(), on_success=self._answered,
                             on_failure=self._failed, on_end=self._ended)

    def _answered(self, result) -> None:
        if self.waiting is None:  # a newer question is pending: its answer will be shown instead
            self.show(result)

    def _failed(self, error: Exception) -> None:
        if self.waiting is None and self.failed is not None:
            self.failed(error)

    def _ended(self) -> None:
        self.job = None
        read, self.waiting = self.waiting, None
        if read is not None:
            self.request(read)
