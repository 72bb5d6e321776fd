"""Inspection images as files in the data directory, written so a crash loses nothing.

Order of a write:
1. the encoded image goes to `pending/<name>` (temporary name, fsync, rename);
2. the caller commits the row that names it;
3. `publish` moves it to `<day>/<name>`.
`recover()` at start-up finishes step 3 for files whose row exists and deletes the
rest, so no row points at a missing image and no image lives without a row.
Reads fall back to `pending/` so a row is usable even before publishing.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from ..errors import StationError  # the one module of the project storage may use: the base of every error



class StoredImageError(StationError, ValueError):
    """A stored image is not the one recorded, or cannot be read."""


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a day folder: images/<YYYY-MM-DD>/<name>.png
QUARANTINE = "quarantine"


@dataclass(frozen=True)
class StoredImage:
    relative_path: str  # what the row records, e.g. "2026-11-22/3f2a....png"
    sha256: str
    width: int
    height: int


class ImageStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.pending = self.root / "pending"
        self.pending.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def encode(image: np.ndarray) -> bytes:
        ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
        if not ok:
            raise ValueError("image could not be encoded as PNG")
        return buf.tobytes()

    def stage(self, image: np.ndarray, when: datetime | None = None) -> StoredImage:
        """Step 1: write the image durably under pending/; returns what the row should record."""
        data = self.encode(image)
        day = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
        name = f"{uuid.uuid4().hex}.png"
        tmp = self.pending / f".{name}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pending / name)
        return StoredImage(f"{day}/{name}", hashlib.sha256(data).hexdigest(), image.shape[1], image.shape[0])

    def publish(self, stored: StoredImage) -> None:
        """Step 3, after the row is committed."""
        final = self.root / stored.relative_path
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.pending / final.name, final)

    def discard(self, stored: StoredImage) -> None:
        """The row was not committed: drop the staged file."""
        (self.pending / Path(stored.relative_path).name).unlink(missing_ok=True)

    def path_of(self, relative_path: str) -> Path:
        final = self.root / relative_path
        if final.exists():
            return final
        return self.pending / Path(relative_path).name

    def read(self, relative_path: str, sha256: str | None = None) -> np.ndarray:
        path = self.path_of(relative_path)
        data = path.read_bytes()
        if sha256 and hashlib.sha256(data).hexdigest() != sha256:
            raise StoredImageError(f"image {path} does not match its recorded sha256; it was changed after inspection")
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise StoredImageError(f"image {path} cannot be decoded")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def recover(self, recorded_path: Callable[[str], str | None]) -> dict:
        """Finish or undo interrupted writes.

        `recorded_path(file_name)` asks the database for the relative path a row
        records for that file name, or None when no row does.
        """
        published = removed = 0
        for path in self.pending.iterdir():
            if path.name.startswith("."):
                path.unlink(missing_ok=True)
                removed += 1
                continue
            match = recorded_path(path.name)
            if match:
                self.publish(StoredImage(match, "", 0, 0))
                published += 1
            else:
                path.unlink(missing_ok=True)
                removed += 1
        return {"published": published, "removed": removed}

    def days(self, since: str = "") -> list[str]:
        """The day folders, oldest first, from `since` (YYYY-MM-DD) on."""
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and DAY.fullmatch(p.name) and p.name >= since)

    def unrecorded(self, day: str, recorded: set[str]) -> list[Path]:
        """Files of a day folder that no row names (`recorded`: the file names rows record for that day)."""
        return sorted(p for p in (self.root / day).iterdir() if p.is_file() and p.name not in recorded)

    def quarantine(self, files: list[Path]) -> Path:
        """Moves images no row names aside (kept, never deleted: they may be evidence); returns the folder."""
        folder = self.root / QUARANTINE
        for path in files:
            target = folder / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        return folder

