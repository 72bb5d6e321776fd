"""Every kind of frame source, in one table: the settings accept these names, and `open_source` opens them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceKind:
    name: str  # what the settings and the command line call it
    opener: str  # 'module:function' taking (target, **options): see station.plugins
    needs_target: bool  # a folder, a file, a device number or a URL
    live: bool  # a camera or stream that may drop out and come back, rather than a recording that ends


KINDS = {k.name: k for k in (
    SourceKind("synthetic", "station.synth.camera:open_simulated", needs_target=False, live=True),  # the demo's
    SourceKind("folder", "station.capture.folder:open_folder", needs_target=True, live=False),
    SourceKind("video", "station.capture.opencv_source:open_video", needs_target=True, live=False),
    SourceKind("camera", "station.capture.opencv_source:open_camera", needs_target=True, live=True),
    SourceKind("rtsp", "station.capture.opencv_source:open_stream", needs_target=True, live=True),
)}
NAMES = tuple(KINDS)
