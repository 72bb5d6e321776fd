"""The live inspection loop on its own thread; it tells the page when a new result is there.

Every frame the pipeline inspects is recorded; the display only shows the most
recent one, so a slow screen never holds the line back (latest frame wins): the
page is told once, and results that arrive before it has looked replace each other.
"""

from __future__ import annotations

import threading
from collections import Counter

from PySide6.QtCore import QThread, Signal

from station.capture import FrameSource
from station.pipeline import InspectionResult, Pipeline


class LiveRunner(QThread):
    failed = Signal(str)
    updated = Signal()  # a new result or camera message; sent again only after take_latest()

    def __init__(self, pipeline: Pipeline, source: FrameSource, parent=None):
        super().__init__(parent)
        self.setObjectName("live inspection")
        self.pipeline, self.source = pipeline, source
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: InspectionResult | None = None
        self.counts: Counter = Counter()
        self.frames = 0
        self.source_message = ""
        self._told = False
        source.add_event_handler(self._on_event)

    def _tell(self) -> None:
        """Called with the lock held: one `updated` until the page has taken the latest."""
        if not self._told:
            self._told = True
            self.updated.emit()

    def _on_event(self, event) -> None:
        with self._lock:
            self.source_message = event.message
            self._tell()

    def _on_result(self, result: InspectionResult) -> None:
        with self._lock:
            self._latest = result
            self.counts[result.decision.verdict] += 1
            self.frames += 1
            self._tell()

    def take_latest(self) -> InspectionResult | None:
        with self._lock:
            latest, self._latest = self._latest, None
            self._told = False
            return latest

    def stop(self) -> None:
        self._stop.set()
        self.source.stop()

    def run(self) -> None:
        try:
            self.pipeline.run(self.source, on_result=self._on_result, should_stop=self._stop.is_set)
        except Exception as e:  # camera gone for good, database full ...: shown on the page
            self.failed.emit(f"{type(e).__name__}: {e}")
        finally:
            self.source.close()
