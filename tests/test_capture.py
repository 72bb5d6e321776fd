"""Frame sources on real files: images of every common kind, a written video, a lost camera."""

import threading

import cv2
import numpy as np
import pytest
from PIL import Image

from station.capture import FolderSource, OpenCVSource, SourceUnavailable, open_source

from station.synth.camera import SyntheticSource
from station.capture.decode import ImageDecodeError, decode_bytes, decode_file


def _scene(h=48, w=64):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.fixture
def mixed_folder(tmp_path):
    img = _scene()
    Image.fromarray(img).save(tmp_path / "a_colour.png")
    Image.fromarray(img[..., 0]).save(tmp_path / "b_gray.png")
    Image.fromarray((img[..., 1].astype(np.uint16) * 257)).save(tmp_path / "c_16bit.png")
    Image.fromarray(img).save(tmp_path / "d_photo.jpg", quality=90)
    full = (tmp_path / "d_photo.jpg").read_bytes()
    (tmp_path / "e_truncated.jpg").write_bytes(full[: len(full) // 2])
    png = (tmp_path / "a_colour.png").read_bytes()
    (tmp_path / "f_truncated.png").write_bytes(png[: len(png) // 2])
    (tmp_path / "g_not_an_image.png").write_text("this is a text file")
    (tmp_path / "notes.txt").write_text("not an image suffix")
    Image.fromarray(img).save(tmp_path / "h_animation.gif")  # an image, but not a type the station reads
    return tmp_path, img


def test_decoder_handles_gray_and_16_bit(mixed_folder):
    folder, img = mixed_folder
    assert np.array_equal(decode_file(folder / "a_colour.png"), img)
    gray = decode_file(folder / "b_gray.png")
    assert gray.shape == (48, 64, 3) and np.array_equal(gray[..., 2], img[..., 0])
    deep = decode_file(folder / "c_16bit.png")
    assert deep.dtype == np.uint8 and np.array_equal(deep[..., 0], img[..., 1])
    with pytest.raises(ImageDecodeError, match="e_truncated.jpg"):
        decode_file(folder / "e_truncated.jpg")


def test_folder_source_skips_bad_files_and_names_them(mixed_folder):
    folder, _ = mixed_folder
    events = []
    source = FolderSource(folder, on_event=events.append)
    frames = list(source)
    assert [f.origin.rsplit("/", 1)[-1] for f in frames] == ["a_colour.png", "b_gray.png", "c_16bit.png", "d_photo.jpg"]
    assert all(f.image.shape == (48, 64, 3) and f.image.dtype == np.uint8 for f in frames)
    skipped = {e.origin.rsplit("/", 1)[-1]: e.message for e in events if e.kind == "skipped"}
    assert sorted(skipped) == ["e_truncated.jpg", "f_truncated.png", "g_not_an_image.png", "h_animation.gif", "notes.txt"]
    assert ".gif is not an image type the station reads" in skipped["h_animation.gif"]
    assert ".txt is not an image type" in skipped["notes.txt"]
    assert source.skipped == 5


def test_missing_or_empty_folder_is_reported(tmp_path):
    with pytest.raises(SourceUnavailable, match="does not exist"):
        FolderSource(tmp_path / "absent")
    with pytest.raises(SourceUnavailable, match="holds no images"):
        FolderSource(tmp_path)


@pytest.fixture
def video_file(tmp_path):
    path = tmp_path / "line.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    assert writer.isOpened()
    for i in range(12):
        frame = np.full((48, 64, 3), 20 * i, np.uint8)
        frame[:, :, 2] = 200  # red in BGR
        writer.write(frame)
    writer.release()
    return path


def test_video_file_plays_to_the_end(video_file):
    with open_source("video", str(video_file)) as source:
        frames = list(source)
    assert len(frames) == 12
    assert frames[0].image.shape == (48, 64, 3)
    assert frames[0].image[..., 0].mean() > 150  # BGR was converted: red is channel 0
    assert [f.index for f in frames] == list(range(12))


def test_lost_live_source_is_reported_and_reopened(video_file):
    # A recording opened as a live source "loses" its camera at the end of the file.
    events = []
    source = OpenCVSource(str(video_file), live=True, retry_interval=0.01, on_event=events.append)
    frames = [source.read() for _ in range(30)]
    source.close()
    assert all(f is not None for f in frames)
    kinds = [e.kind for e in events]
    assert kinds.count("lost") == 2 and kinds.count("reconnected") == 2
    assert "camera lost" in events[0].message


def test_camera_that_never_answers_says_what_to_check():
    source = open_source("camera", "97", retry_interval=0.01, max_reconnects=2)
    with pytest.raises(SourceUnavailable, match="plugged in"):
        source.read()


def test_stop_ends_a_reconnect_loop(tmp_path):
    source = OpenCVSource(str(tmp_path / "gone.avi"), live=True, retry_interval=0.05)
    threading.Timer(0.3, source.stop).start()
    assert source.read() is None  # returned because of stop(), not an exception


def test_missing_video_file_is_reported(tmp_path):
    with pytest.raises(SourceUnavailable, match="cannot be opened"):
        open_source("video", str(tmp_path / "none.avi")).read()


def test_synthetic_source_is_deterministic_and_keeps_its_defect_rate():
    a = list(SyntheticSource(seed=5, defect_rate=0.3, size=64, frames=300))
    b = list(SyntheticSource(seed=5, defect_rate=0.3, size=64, frames=3))
    assert all(np.array_equal(x.image, y.image) for x, y in zip(a, b))
    defective = sum(not f.truth.endswith("/good") for f in a) / len(a)
    assert 0.22 < defective < 0.38
    only_nuts = SyntheticSource(seed=1, family="hex_nut", size=64, frames=20)
    assert {f.truth.split("/")[0] for f in only_nuts} == {"hex_nut"}


def test_unknown_source_kind_is_named():
    with pytest.raises(ValueError, match="unknown source 'scanner'"):
        open_source("scanner", "x")


def test_an_image_over_the_pixel_limit_is_skipped_before_decoding(tmp_path):
    """A 74-byte PNG header claiming 50000 x 50000, and a real 3000 x 3000 frame over a low limit: both are skipped
    with their reason, the next frame is still read, nothing raises."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")
    (tmp_path / "a_bomb.png").write_bytes(bomb)
    Image.fromarray(np.zeros((3000, 3000, 3), np.uint8)).save(tmp_path / "b_big.png")
    Image.fromarray(_scene()).save(tmp_path / "c_ok.png")
    events = []
    frames = list(FolderSource(tmp_path, on_event=events.append, max_pixels=4_000_000))
    assert [f.origin.rsplit("/", 1)[-1] for f in frames] == ["c_ok.png"]
    reasons = {e.origin.rsplit("/", 1)[-1]: e.message for e in events if e.kind == "skipped"}
    assert "over the station's limit of 4,000,000 pixels" in reasons["a_bomb.png"]
    assert "9,000,000 pixels, over the station's limit of 4,000,000" in reasons["b_big.png"]
    with pytest.raises(ImageDecodeError, match="over the station's limit"):
        decode_bytes(bomb)
