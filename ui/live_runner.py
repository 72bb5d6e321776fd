"""The live inspection loop on its own thread; it tells the page when something new is there.

Every frame the pipeline inspects is recorded; the display shows the most recent one, so a slow screen never
holds the line back (latest frame wins): the page is told once, and results that arrive before it has looked
replace each other. Parts that need a person are never lost that way: each one is kept for the page until it
has looked, so the operator is told about every part to take off the line.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from PySide6.QtCore import QThread, Signal

from station.progress import Callbacks
from station.service.inspection import REVIEW, FrameSource, InspectionResult, Pipeline, SourceEvent

KEEP_AT_MOST = 200  # parts needing a person or camera events kept between two looks of the page


@dataclass
class LiveUpdate:
    latest: InspectionResult | None = None
    needs_person: list[InspectionResult] = field(default_factory=list)
    events: list[SourceEvent] = field(default_factory=list)


class LiveRunner(QThread):
    failed = Signal(object)  # the exception that ended the run (camera gone for good, database full ...)
    updated = Signal()  # something new; sent again only after take()

    def __init__(self, pipeline: Pipeline, source: FrameSource, parent=None):
        super().__init__(parent)
        self.setObjectName("live inspection")
        self.pipeline, self.source = pipeline, source
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._update = LiveUpdate()
        self.counts: Counter = Counter()
        self.frames = 0
        self._told = False
        source.add_event_handler(self._on_event)

    def _tell(self) -> None:
        """Called with the lock held: one `updated` until the page has taken what is there."""
        if not self._told:
            self._told = True
            self.updated.emit()

    def _on_event(self, event: SourceEvent) -> None:
        with self._lock:
            self._update.events = (self._update.events + [event])[-KEEP_AT_MOST:]
            self._tell()

    def _on_result(self, result: InspectionResult) -> None:
        with self._lock:
            self._update.latest = result
            if result.decision.verdict == REVIEW:
                self._update.needs_person = (self._update.needs_person + [result])[-KEEP_AT_MOST:]
            self.counts[result.decision.verdict] += 1
            self.frames += 1
            self._tell()

    def take(self) -> LiveUpdate:
        with self._lock:
            update, self._update = self._update, LiveUpdate()
            self._told = False
            return update

    def stop(self) -> None:
        self._stop.set()
        self.source.stop()

    def run(self) -> None:
        try:
            self.pipeline.run(self.source, on_result=self._on_result, progress=Callbacks(should_stop=self._stop.is_set))
        except Exception as e:  # shown on the page
            self.failed.emit(e)
        finally:
            self.source.close()
