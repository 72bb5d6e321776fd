"""Frames from OpenCV VideoCapture: a camera device, a video file or an RTSP stream.

A live source (camera, stream) that stops delivering is reported as lost and
reopened with growing pauses until it answers again, `stop()` is called, or
`max_reconnects` attempts have failed.
"""

from __future__ import annotations

import time
from typing import Callable

import cv2

from .base import EventHandler, Frame, FrameSource, SourceUnavailable
from .decode import to_rgb8
from ..errors import InvalidInput
from ..messages import Message

CaptureFactory = Callable[[int | str], "cv2.VideoCapture"]


def _default_factory(backend: int) -> CaptureFactory:
    return lambda target: cv2.VideoCapture(target, backend)


class OpenCVSource(FrameSource):
    def __init__(
        self,
        target: int | str,
        live: bool | None = None,
        backend: int = cv2.CAP_ANY,
        retry_interval: float = 1.0,
        max_retry_interval: float = 10.0,
        max_reconnects: int | None = None,
        capture_factory: CaptureFactory | None = None,
        on_event: EventHandler | None = None,
    ):
        super().__init__(on_event)
        self.target = target
        # device indices and network streams are live; a path is a recording
        self.live = live if live is not None else (isinstance(target, int) or "://" in str(target))
        self.retry_interval, self.max_retry_interval = retry_interval, max_retry_interval
        self.max_reconnects = max_reconnects
        self._factory = capture_factory or _default_factory(backend)
        self._cap = None
        self._index = 0
        self.losses = 0

    @property
    def description(self) -> str:
        if isinstance(self.target, int):
            return Message("source.camera", device=self.target)
        return Message("source.stream", url=self.target) if self.live else Message("source.video", path=self.target)

    def _open(self) -> bool:
        cap = self._factory(self.target)
        if cap is not None and cap.isOpened():
            self._cap = cap
            return True
        if cap is not None:
            cap.release()
        return False

    def _reconnect(self, reason: Message) -> bool:
        """Reopen with growing pauses; False if stopped or out of attempts."""
        self.losses += 1
        self._emit("lost", self.description, Message("source.lost", reason=reason, interval=self.retry_interval))
        pause, attempt = self.retry_interval, 0
        while not self._stopped:
            if self.max_reconnects is not None and attempt >= self.max_reconnects:
                return False
            attempt += 1
            deadline = time.monotonic() + pause
            while not self._stopped and time.monotonic() < deadline:
                time.sleep(min(0.05, pause))
            if self._stopped:
                return False
            if self._open():
                self._emit("reconnected", self.description, Message("source.reconnected", attempts=attempt))
                return True
            pause = min(pause * 2, self.max_retry_interval)
        return False

    def _unavailable(self) -> SourceUnavailable:
        if self.live:
            return SourceUnavailable(Message("source.live_unavailable", source=self.description))
        return SourceUnavailable(Message("source.video_unavailable", source=self.description))

    def read(self) -> Frame | None:
        if self._stopped:
            return None
        if self._cap is None and not self._open():
            if not self.live or not self._reconnect(Message("source.cannot_open")):
                if self._stopped:
                    return None
                raise self._unavailable()
        while not self._stopped:
            ok, bgr = self._cap.read()
            if ok and bgr is not None and bgr.size:
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if bgr.ndim == 3 and bgr.shape[2] == 3 else to_rgb8(bgr)
                frame = Frame(to_rgb8(rgb), self._index, self.description)
                self._index += 1
                return frame
            self._cap.release()
            self._cap = None
            if not self.live:
                return None  # end of the recording
            if not self._reconnect(Message("source.no_frame")):
                if self._stopped:
                    return None
                raise self._unavailable()
        return None

    def close(self) -> None:
        self.stop()
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def open_video(target: str, **options) -> OpenCVSource:
    return OpenCVSource(target, live=False, **options)


def open_camera(target: str, **options) -> OpenCVSource:
    try:
        index = int(target)
    except ValueError:
        raise InvalidInput(Message("source.bad_device", target=target)) from None
    return OpenCVSource(index, live=True, **options)


def open_stream(target: str, **options) -> OpenCVSource:
    return OpenCVSource(target, live=True, **options)
