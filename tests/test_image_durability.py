"""The image store's format and durability: what is stored reads back bit for bit under its recorded sha256, and
every file of a batch, with the folder entry that names it, is on disk before the rows naming them commit."""

import errno
import hashlib
import os
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import event, select

from station.capture import Frame
from station.pipeline import Pipeline
from station.storage.images import ImageStore
from station.storage.models import Inspection
from station.synth.samples import draw_sample


def images() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [draw_sample(1, 0, 256).image, np.ascontiguousarray(draw_sample(1, 1, 640).image[80:560]),
            rng.integers(0, 256, (33, 17, 3), dtype=np.uint8), np.zeros((1, 1, 3), np.uint8),
            np.full((9, 300, 3), 255, np.uint8)]


def test_stored_images_read_back_bit_for_bit_under_their_sha256(tmp_path):
    store = ImageStore(tmp_path / "images")
    originals = images()
    staged = store.stage_batch(originals)
    for image, img in zip(originals, staged):
        store.publish(img)
        data = (store.root / img.relative_path).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and img.relative_path.endswith(".png")
        assert hashlib.sha256(data).hexdigest() == img.sha256
        assert (img.width, img.height) == (image.shape[1], image.shape[0])
        assert np.array_equal(store.read(img.relative_path, img.sha256), image)
    assert list(store.pending.iterdir()) == []


def test_images_stored_with_the_earlier_png_settings_still_read(tmp_path):
    """Images written before the run-length encoding (zlib's usual search), published or still staged."""
    store = ImageStore(tmp_path / "images")
    image = draw_sample(2, 0, 128).image
    ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    data = buf.tobytes()
    assert data != ImageStore.encode(image)  # the settings did change
    (store.root / "2026-01-05").mkdir()
    (store.root / "2026-01-05" / "old.png").write_bytes(data)
    (store.pending / "staged.png").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    assert np.array_equal(store.read("2026-01-05/old.png", sha), image)
    assert np.array_equal(store.read("2026-01-06/staged.png", sha), image)


class SyncLog:
    """os.fsync recording what it synced (device and inode, so renames do not matter) and when, from any thread."""

    def __init__(self, monkeypatch, fail_on=None):
        self.events, self.fail_on, self._real, self._lock = [], fail_on, os.fsync, threading.Lock()
        monkeypatch.setattr(os, "fsync", self.fsync)

    def fsync(self, fd):
        st = os.fstat(fd)
        if self.fail_on is not None and self.fail_on(st):
            raise OSError(errno.EIO, "simulated I/O error")
        self._real(fd)
        with self._lock:
            self.events.append(("fsync", (st.st_dev, st.st_ino)))

    def mark(self, what):
        with self._lock:
            self.events.append((what, None))

    def synced_before(self, what) -> set:
        at = self.events.index((what, None))
        return {key for kind, key in self.events[:at] if kind == "fsync"}


def ident(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def test_a_batch_is_on_disk_files_and_names_before_its_rows_commit(station, monkeypatch):
    pipeline = Pipeline(station, operator=station.otto, source_name="test")
    frames = [Frame(draw_sample(4, i, 96).image, i, "test") for i in range(3)]
    log = SyncLog(monkeypatch)

    def before_commit(session):
        if any(isinstance(o, Inspection) for o in list(session.new) + list(session.identity_map.values())):
            log.mark("commit")

    event.listen(station.db.sessions, "before_commit", before_commit)
    try:
        results = pipeline.inspect(frames)
    finally:
        event.remove(station.db.sessions, "before_commit", before_commit)
    with station.db.session() as s:
        rows = list(s.scalars(select(Inspection).where(Inspection.id.in_([r.inspection_id for r in results]))))
    assert len(rows) == 3
    synced = log.synced_before("commit")
    for row in rows:  # the file's own fsync (published since: the rename kept its inode)
        assert ident(station.images.root / row.image_path) in synced, row.image_path
    assert ident(station.images.pending) in synced  # and the folder's, for the names renamed into it
    fsyncs_of_files = sum(1 for kind, _ in log.events if kind == "fsync")
    assert fsyncs_of_files == 4  # one per file and one for the folder: no file synced twice, none after


def test_one_image_staged_alone_is_durable_too(tmp_path, monkeypatch):
    store = ImageStore(tmp_path / "images")
    log = SyncLog(monkeypatch)
    img = store.stage(draw_sample(5, 0, 64).image)
    assert {key for _, key in log.events} == {ident(store.pending / Path(img.relative_path).name),
                                              ident(store.pending)}


def test_a_batch_that_cannot_be_synced_leaves_no_file_and_no_row(station, monkeypatch):
    pipeline = Pipeline(station, operator=station.otto, source_name="test")
    folder = ident(station.images.pending)
    SyncLog(monkeypatch, fail_on=lambda st: (st.st_dev, st.st_ino) == folder)
    with station.db.session() as s:
        before = s.scalar(select(Inspection.id).order_by(Inspection.id.desc()).limit(1))
    with pytest.raises(OSError, match="simulated"):
        pipeline.inspect([Frame(draw_sample(6, i, 96).image, i, "test") for i in range(2)])
    assert list(station.images.pending.iterdir()) == []
    with station.db.session() as s:
        assert s.scalar(select(Inspection.id).order_by(Inspection.id.desc()).limit(1)) == before
