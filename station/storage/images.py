"""Inspection images as files in the data directory, written so that neither kill -9 nor a power cut leaves a
row without its image.

Order of a write, and what each step guarantees:
1. `stage_batch` (`stage` for one image) writes every image of the batch to `pending/.<name>.tmp` and renames it
   to `pending/<name>` without waiting for the disk, then fsyncs each file and the `pending/` folder, all at once:
   concurrent calls share the disk's cache flushes (and a journalling filesystem's commits) instead of paying one
   each in turn, while the guarantee stays each call's own. On return every file's bytes and its name under
   `pending/` are durable. Both are needed and neither stands in for the other: a file's fsync makes its data
   durable, not the folder entry that names it; the folder's fsync makes the names durable, not the data; and no
   file's fsync covers another file's data.
2. the caller commits the rows that name them, after step 1 has returned (the database's own fsync makes the
   rows durable), so a committed row can only name an image that survives a power cut.
3. `publish` renames each to `<day>/<name>`, not synced: a crash that undoes the rename leaves the file under
   `pending/` with its row, and `recover()` publishes it again.
Before step 2 a kill or power cut can leave files under `pending/` that no row names (half-written ones under a
"." name): `recover()` at start-up deletes them and finishes step 3 for those with a row, so no row points at a
missing image and no image lives without a row. Reads fall back to `pending/` so a row is usable before publishing.

Format: PNG (lossless: the recorded sha256 is of the file's bytes, and the pixels read back are the ones
inspected), deflated with run-length matches only after a "sub" filter: 2-3 times faster to write than zlib's
usual search and smaller on camera frames, whose sensor noise leaves long matches nothing to find
(bench/frame_write.py). Any PNG reads back, so images stored with other settings stay readable.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from ..errors import StationError  # the one module of the project storage may use: the base of every error

# zlib's run-length strategy (matches at distance 1) after the "sub" filter (OpenCV >= 4.10 lets it be chosen)
PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]
if hasattr(cv2, "IMWRITE_PNG_FILTER"):
    PNG_PARAMS += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_SUB]
SYNC_THREADS = 8  # fsyncs waited on together (a batch's files and its folder); more wait in turn

_sync_pool: ThreadPoolExecutor | None = None
_sync_pool_lock = threading.Lock()


def _forget_sync_pool() -> None:
    global _sync_pool, _sync_pool_lock
    _sync_pool = None  # a forked child has none of its parent's threads
    _sync_pool_lock = threading.Lock()  # nor the lock one of them may have held when it forked


os.register_at_fork(after_in_child=_forget_sync_pool)


def _pool() -> ThreadPoolExecutor:
    global _sync_pool
    with _sync_pool_lock:
        if _sync_pool is None:
            _sync_pool = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="image-fsync")
        return _sync_pool


def fsync_all(fds: Sequence[int]) -> None:
    """fsync every descriptor, concurrently; returns once all have returned, raising the first failure."""
    if not fds:
        return
    others = [_pool().submit(os.fsync, fd) for fd in fds[1:]]
    failure: BaseException | None = None
    try:
        os.fsync(fds[0])
    except BaseException as e:
        failure = e
    for f in others:  # every one waited for, even after a failure: the caller closes these descriptors next
        try:
            f.result()
        except BaseException as e:
            failure = failure or e
    if failure is not None:
        raise failure


def _fsync_folders(*folders: Path) -> None:
    fds = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY) for folder in folders]
    try:
        fsync_all(fds)
    finally:
        for fd in fds:
            os.close(fd)


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
        if not self.pending.is_dir():
            self.pending.mkdir(parents=True, exist_ok=True)
            _fsync_folders(self.root, self.root.parent)  # the folders' own names, once: staged names live in them

    @staticmethod
    def encode(image: np.ndarray) -> bytes:
        ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), PNG_PARAMS)
        if not ok:
            raise ValueError("image could not be encoded as PNG")
        return buf.tobytes()

    def stage(self, image: np.ndarray, when: datetime | None = None) -> StoredImage:
        """Step 1 for one image (see `stage_batch`)."""
        return self.stage_batch([image], when)[0]

    def stage_batch(self, images: Sequence[np.ndarray], when: datetime | None = None) -> list[StoredImage]:
        """Step 1: writes every image under pending/, then makes the files and their names durable together;
        returns what each row should record. On a failure nothing of the batch is left staged."""
        day = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
        staged: list[StoredImage] = []
        fds: list[int] = []
        tmp = None
        try:
            for image in images:
                data = self.encode(image)
                name = f"{uuid.uuid4().hex}.png"
                tmp = self.pending / f".{name}.tmp"
                fds.append(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                view = memoryview(data)
                while view:
                    view = view[os.write(fds[-1], view):]
                os.replace(tmp, self.pending / name)
                tmp = None
                staged.append(StoredImage(f"{day}/{name}", hashlib.sha256(data).hexdigest(), image.shape[1],
                                          image.shape[0]))
            fds.append(os.open(self.pending, os.O_RDONLY | os.O_DIRECTORY))  # the entries renamed into it
            fsync_all(fds)
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            for img in staged:
                self.discard(img)
            raise
        finally:
            for fd in fds:
                os.close(fd)
        return staged

    def publish(self, stored: StoredImage) -> None:
        """Step 3, after the row is committed."""
        final = self.root / stored.relative_path
        source = self.pending / final.name
        try:
            os.replace(source, final)
        except FileNotFoundError:  # the day's first image: its folder is made here
            if not source.exists():
                raise
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, final)

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

