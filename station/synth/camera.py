"""A simulated camera: generated parts, a set share of them defective (the source kind "synthetic": the demo's
camera, loaded through station.capture.kinds)."""

from __future__ import annotations

import time

from ..capture.base import EventHandler, Frame, FrameSource
from .samples import draw_sample
from ..messages import Message
from ..errors import InvalidInput


class SyntheticSource(FrameSource):
    def __init__(
        self,
        seed: int = 0,
        defect_rate: float = 0.2,
        family: str | None = None,
        size: int = 256,
        frames: int | None = None,
        fps: float | None = None,
        on_event: EventHandler | None = None,
    ):
        super().__init__(on_event)
        if not 0.0 <= defect_rate <= 1.0:
            raise InvalidInput(f"defect rate must be between 0 and 1, got {defect_rate}")
        self.seed, self.defect_rate, self.family, self.size = seed, defect_rate, family, size
        self.frames, self.fps = frames, fps
        self._index = 0
        self._next_due = time.monotonic()

    @property
    def description(self) -> str:
        if self.family:
            return Message("source.synthetic", family=self.family, defect_rate=self.defect_rate, seed=self.seed)
        return Message("source.synthetic_all", defect_rate=self.defect_rate, seed=self.seed)

    def read(self) -> Frame | None:
        if self._stopped or (self.frames is not None and self._index >= self.frames):
            return None
        if self.fps:
            delay = self._next_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next_due = max(self._next_due, time.monotonic()) + 1.0 / self.fps
        sample = draw_sample(self.seed, self._index, self.size, defect_rate=self.defect_rate, family=self.family)
        frame = Frame(sample.image, self._index, f"synthetic:{self.seed}#{self._index}", truth=sample.part_class.key)
        self._index += 1
        return frame


def open_simulated(target: str | None = None, **options) -> SyntheticSource:
    """The source kind "synthetic": it takes no target."""
    return SyntheticSource(**options)
