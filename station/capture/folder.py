"""Frames from a folder of image files, in name order: DIR/* or, when DIR holds only sub-folders, DIR/<class>/*."""

from __future__ import annotations

from pathlib import Path

from .base import EventHandler, Frame, FrameSource, SourceUnavailable
from .decode import MAX_PIXELS, ImageDecodeError, decode_file
from ..messages import Message, message_of

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}


class FolderSource(FrameSource):
    def __init__(self, folder: Path | str, recursive: bool = False, loop: bool = False,
                 on_event: EventHandler | None = None, max_pixels: int = MAX_PIXELS):
        super().__init__(on_event)
        self.max_pixels = max_pixels
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise SourceUnavailable(Message("source.folder_missing", folder=str(self.folder)))
        pattern = "**/*" if recursive else "*"
        found = sorted(p for p in self.folder.glob(pattern) if p.is_file())
        if not recursive and not any(p.suffix.lower() in IMAGE_SUFFIXES for p in found):
            # a labelled folder, DIR/<class>/*: each frame's origin is its path, which names its class folder
            found = sorted(p for p in self.folder.glob("*/*") if p.is_file() and not p.parent.name.startswith("."))
        self.files = [p for p in found if p.suffix.lower() in IMAGE_SUFFIXES]
        # named at the first read, when every listener is attached
        self._not_images = [p for p in found if p.suffix.lower() not in IMAGE_SUFFIXES]
        if not self.files:
            raise SourceUnavailable(Message("source.folder_empty", folder=str(self.folder),
                                            types=", ".join(sorted(IMAGE_SUFFIXES))))
        self.loop = loop
        self._pos = 0
        self._index = 0
        self.skipped = 0

    @property
    def description(self) -> str:
        return Message("source.folder", folder=str(self.folder), files=len(self.files))

    def read(self) -> Frame | None:
        for path in self._not_images:
            self.skipped += 1
            types = ", ".join(sorted(IMAGE_SUFFIXES))
            self._emit("skipped", str(path), Message("source.skipped_type", suffix=path.suffix, types=types)
                       if path.suffix else Message("source.skipped_no_suffix", types=types))
        self._not_images = []
        misses = 0
        while not self._stopped:
            if self._pos >= len(self.files):
                if not self.loop or misses >= len(self.files):
                    return None
                self._pos = 0
            path = self.files[self._pos]
            self._pos += 1
            try:
                image = decode_file(path, self.max_pixels)
            except ImageDecodeError as e:
                self.skipped += 1
                misses += 1
                self._emit("skipped", str(path), Message("source.skipped", problem=message_of(e) or str(e)))
                continue
            frame = Frame(image, self._index, str(path))
            self._index += 1
            return frame
        return None


def open_folder(target: str, **options) -> FolderSource:
    """The source kind "folder" (max_pixels: the settings' [source] max_pixels)."""
    return FolderSource(target, **options)
