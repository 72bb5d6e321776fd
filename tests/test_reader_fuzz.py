"""Property tests for the readers that take files from outside the station: prompt-set files (import and
registration) and image files (the decoder and the folder source).

Whatever the bytes, a reader either returns a valid result or raises the station's own error with a reason
(a StationError, which the CLI and the GUI show as a message); it never raises anything else, never writes
outside the data folder, and never decodes an image larger than the configured pixel limit.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from station.capture.decode import ImageDecodeError, decode_bytes, decode_file
from station.capture.folder import FolderSource
from station.errors import StationError
from station.prompts.files import FORMAT, load_prompt_set
from station.prompts.registry import PromptSetError, register, verify_usable
from write_watch import recorded_writes

FUZZ = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- prompt-set files -------------------------------------------------------------------------------------

SHA = "ab" * 32
META_KEYS = ["base_model_sha256", "classes", "first_prompted_block", "tokens_per_block", "shots", "seed", "recipe",
             "metrics", "created_by", "created_at", "name"]
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I32": torch.int32, "I64": torch.int64, "U8": torch.uint8, "BOOL": torch.bool}
NAMES = ["", "rvpt", "line-3_v2.final", "../../x", "..", "../escape", "a/../../b", "/tmp/abs", "a\\b", ".hidden",
         "-dash", "a..b", "x" * 64, "x" * 65, "名前", "a\x00b", "ok\n", "CON", "prompts/../../../sentinel/x"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def safetensors_bytes(tensors: dict[str, tuple[str, list[int], bytes]], metadata) -> bytes:
    """A safetensors file written by hand, so that its header may lie about shapes, sizes and metadata."""
    header: dict = {} if metadata is None else {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def tensor_bytes(values: list[float], dtype: str) -> bytes:
    t = torch.tensor(values, dtype=torch.float64)
    if DTYPES[dtype].is_floating_point:
        t = t.to(DTYPES[dtype])
    else:
        t = torch.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0).clamp(-100, 100).to(DTYPES[dtype])
    return t.view(torch.uint8).numpy().tobytes() if t.numel() else b""


FAULTS = ["bytes", "values", "dtype", "shape", "size", "meta-delete", "meta-update", "meta-type", "meta-text",
          "metadata", "tensor-name", "truncate", "flip", "length"]


@st.composite
def prompt_set_files(draw) -> bytes:
    """A valid prompt-set file with none, one or two faults."""
    faults = {draw(st.sampled_from(["none"] * 12 + FAULTS)), draw(st.sampled_from(["none"] * 40 + FAULTS))}
    if "bytes" in faults:
        return draw(st.binary(max_size=300))
    n, b, w = draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 4))
    shape = draw(st.sampled_from([[n, b], [n, b, w, 1], [], [n * b * w]])) if "shape" in faults else [n, b, w]
    dtype = draw(st.sampled_from(list(DTYPES))) if "dtype" in faults else "F32"
    numel = math.prod(shape)
    special = st.sampled_from([math.nan, math.inf, -math.inf])
    values = draw(st.lists(st.floats(-10, 10) | special if "values" in faults else st.floats(-10, 10),
                           min_size=numel, max_size=numel))
    data = tensor_bytes(values, dtype)
    if "size" in faults:  # the data disagrees with the shape in the header
        data = data[: max(0, len(data) - draw(st.sampled_from([1, 4])))] + b"\0" * draw(st.sampled_from([0, 1, 8]))
    meta: object = {"base_model_sha256": SHA, "classes": [{"key": "washer/good", "name": "good washer", "text": "x"}],
                    "first_prompted_block": 3, "tokens_per_block": b, "shots": [], "seed": 0, "recipe": {},
                    "metrics": {"train_accuracy": 1.0}, "created_by": "mia", "created_at": "", "name": "rvpt"}
    if "meta-delete" in faults:
        for key in draw(st.sets(st.sampled_from(META_KEYS), min_size=1, max_size=2)):
            del meta[key]
    if "meta-update" in faults:
        meta.update(draw(st.dictionaries(st.sampled_from(META_KEYS + ["extra"]), json_values, min_size=1, max_size=2)))
    if "meta-type" in faults:
        meta = draw(st.sampled_from([[1, 2], "text", 7, None]))
    meta_text = draw(st.sampled_from(["{", "", "[" * 50_000, "NaN"])) if "meta-text" in faults else json.dumps(meta)
    metadata = {"format": FORMAT, "meta": meta_text}
    if "metadata" in faults:
        metadata = draw(st.sampled_from([{"format": "station-rvpt-prompts/2", "meta": meta_text}, {"meta": meta_text},
                                         {"format": FORMAT}, None, {"format": FORMAT, "meta": 5}]))
    tensor_name = draw(st.sampled_from(["prompt", "../../x", ""])) if "tensor-name" in faults else "prompts"
    raw = bytearray(safetensors_bytes({tensor_name: (dtype, shape, data)}, metadata))
    if "truncate" in faults:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    if "flip" in faults and raw:  # truncation may have left nothing to flip
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    if "length" in faults:
        raw[:8] = struct.pack("<Q", draw(st.sampled_from([0, 1, 7, 2**31, 2**63, len(raw) * 2])))
    return bytes(raw)


@pytest.fixture(scope="module")
def prompt_station(tmp_path_factory):
    """A data folder with a manager, beside a sentinel folder nothing may ever be written into."""
    from station.auth import create_user
    from station.records import open_records
    from station.storage.db import sqlite_url

    root = tmp_path_factory.mktemp("prompt-fuzz")
    data, src, sentinel = root / "data", root / "src", root / "sentinel"
    for d in (data, src, sentinel):
        d.mkdir()
    db = open_records(sqlite_url(data))
    with db.transaction() as s:
        create_user(s, "mia", "manager", "manager-pass", None)
    yield root, data, src, sentinel, db
    db.close()


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _check_meta_types(meta) -> None:
    assert isinstance(meta.base_model_sha256, str) and re.fullmatch(r"[0-9a-f]{64}", meta.base_model_sha256)
    assert isinstance(meta.first_prompted_block, int) and isinstance(meta.tokens_per_block, int)
    assert isinstance(meta.classes, list) and isinstance(meta.metrics, dict) and isinstance(meta.name, str)


@FUZZ
@given(blob=prompt_set_files(), name=st.sampled_from(NAMES) | st.text(max_size=70))
@example(blob=safetensors_bytes({"prompts": ("F32", [1, 1, 1], b"\0" * 4)}, {"format": FORMAT, "meta": "[" * 50_000}),
         name="")
@example(blob=safetensors_bytes({"prompts": ("F32", [1, 1, 1], b"\0" * 4)}, {"format": FORMAT}), name="")
@example(blob=safetensors_bytes({"prompts": ("F32", [1, 1, 1], b"\0" * 4)}, {"format": FORMAT, "meta": json.dumps(
    {"base_model_sha256": SHA, "classes": [], "first_prompted_block": 2**70, "tokens_per_block": 1})}), name="big")
def test_prompt_set_reader_and_registration(prompt_station, blob, name):
    from sqlalchemy import select

    from station.storage.models import User

    root, data, src, sentinel, db = prompt_station
    source = src / "set.safetensors"
    source.write_bytes(blob)
    before = _tree(root)
    with warnings.catch_warnings(), recorded_writes() as written:
        warnings.simplefilter("ignore")  # torch warns about read-only buffers of hand-made files
        try:
            prompts, meta = load_prompt_set(source)
        except StationError as e:
            assert str(e)
            event("reader: refused")
        else:
            event("reader: loaded")
            assert prompts.ndim == 3 and prompts.is_floating_point() and bool(torch.isfinite(prompts).all())
            assert prompts.shape[1] == meta.tokens_per_block
            _check_meta_types(meta)

        row = None
        try:
            with db.transaction() as s:
                row = register(s, data, source, s.scalar(select(User).where(User.username == "mia")), name=name)
                s.expunge(row)
        except StationError as e:
            assert str(e)
        outside = [w for w in written if not Path(os.path.abspath(w)).is_relative_to(data)]
        assert not outside, f"written outside the data folder: {outside}"
        event(f"registration: {'registered' if row is not None else 'refused'}")
        if row is not None:
            target = data / row.path  # recorded relative to the data folder
            assert not Path(row.path).is_absolute()
            assert target.parent == data / "prompts" and target.read_bytes() == blob
            assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}-v\d+\.safetensors", target.name)
            assert not target.name.startswith(".") and ".." not in row.name
            for sha, shape in ((row.base_model_sha256, (12, 4)), (row.base_model_sha256, (3, 0)), ("cd" * 32, None)):
                try:
                    verify_usable(row, sha, shape, data_dir=data)
                except PromptSetError as e:
                    assert str(e)
    assert not list(sentinel.iterdir()), "something was written into the sentinel folder beside the data folder"
    new = _tree(root) - before
    assert all(p.startswith("data/") for p in new), new
    registered = {str((data / row.path).relative_to(root))} if row is not None else set()
    assert {p for p in new if p.startswith("data/prompts/")} <= registered, "a refused file left a copy behind"


# --- image files -------------------------------------------------------------------------------------------

FORMATS = ["PNG", "JPEG", "BMP", "TIFF", "WEBP", "GIF", "PPM", "TGA", "ICO", "DDS", "PSD"]
MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "I;16", "I;16B", "F"]
LIMITS = [1, 50, 4096, 30_000_000]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, bit_depth: int = 8, colour: int = 2) -> bytes:
    """A PNG whose header claims a size (with a valid CRC) and holds no pixels."""
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0))
            + _png_chunk(b"IEND", b""))


def bmp_claiming(width: int, height: int, bits: int = 24) -> bytes:
    pixels = b"\x7f" * 64
    return (b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, 0, len(pixels), 0, 0, 0, 0) + pixels)


def encoded(mode: str, fmt: str, width: int, height: int, seed: int) -> bytes | None:
    rgb = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    try:
        image = Image.fromarray(rgb).convert(mode)
        out = io.BytesIO()
        image.save(out, fmt)
        return out.getvalue()
    except (OSError, ValueError, KeyError, TypeError):  # this writer cannot store that mode
        return None


@st.composite
def image_files(draw) -> bytes:
    kind = draw(st.sampled_from(["encoded"] * 6 + ["random", "claims"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "claims":
        w, h = draw(st.sampled_from([(50000, 50000), (0, 0), (0, 10), (10, 0), (1, 1), (65535, 1), (2**31 - 1, 2)]))
        maker = draw(st.sampled_from(["png", "png16", "bmp", "bmp-topdown"]))
        if maker == "png":
            return png_claiming(w, h)
        if maker == "png16":
            return png_claiming(w, h, 16, 0)
        return bmp_claiming(w, -h if maker == "bmp-topdown" else h)
    data = None
    while data is None:
        data = encoded(draw(st.sampled_from(MODES)), draw(st.sampled_from(FORMATS)), draw(st.integers(1, 24)),
                       draw(st.integers(1, 24)), draw(st.integers(0, 3)))
    raw = bytearray(data)
    damage = draw(st.sampled_from(["none"] * 3 + ["truncate", "flip", "splice"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif damage == "flip":
        for _ in range(draw(st.integers(1, 6))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    elif damage == "splice":
        at = draw(st.integers(0, len(raw)))
        raw[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(raw)


def dds_with_unknown_pixel_format() -> bytes:
    """Pillow's DDS plugin raises NotImplementedError for this one (a file named .png may hold it)."""
    raw = bytearray(encoded("RGB", "DDS", 4, 4, 0))
    raw[80:84] = struct.pack("<I", 0)  # DDS_PIXELFORMAT.dwFlags
    return bytes(raw)


def _check_frame(array: np.ndarray, max_pixels: int) -> None:
    assert isinstance(array, np.ndarray) and array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3
    assert array.shape[0] >= 1 and array.shape[1] >= 1
    assert array.shape[0] * array.shape[1] <= max_pixels
    assert array.flags["C_CONTIGUOUS"]


@FUZZ
@given(data=image_files(), max_pixels=st.sampled_from(LIMITS))
@example(data=png_claiming(50000, 50000), max_pixels=30_000_000)
@example(data=png_claiming(0, 0), max_pixels=30_000_000)
@example(data=bmp_claiming(0, 0), max_pixels=30_000_000)
@example(data=bmp_claiming(3000, 3000), max_pixels=4096)
@example(data=encoded("CMYK", "TIFF", 5, 4, 0), max_pixels=4096)
@example(data=encoded("I;16", "PNG", 5, 4, 0), max_pixels=4096)
@example(data=encoded("P", "PNG", 5, 4, 0), max_pixels=4096)
@example(data=encoded("LA", "PNG", 5, 4, 0), max_pixels=4096)
@example(data=encoded("RGB", "DDS", 4, 4, 0), max_pixels=4096)
@example(data=dds_with_unknown_pixel_format(), max_pixels=4096)
def test_decode_bytes_gives_a_frame_or_a_reason(data, max_pixels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about corrupt EXIF and oversized headers
        try:
            array = decode_bytes(data, "fuzz.png", max_pixels=max_pixels)
        except ImageDecodeError as e:
            assert "fuzz.png" in str(e)
            event("decoder: refused")
        else:
            _check_frame(array, max_pixels)
            event("decoder: frame")


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(files=st.lists(image_files(), min_size=1, max_size=4), suffixes=st.lists(
    st.sampled_from([".png", ".jpg", ".JPEG", ".bmp", ".tif", ".webp"]), min_size=4, max_size=4),
    max_pixels=st.sampled_from(LIMITS))
def test_folder_source_reads_or_skips_each_file(tmp_path_factory, files, suffixes, max_pixels):
    folder = tmp_path_factory.mktemp("frames")
    paths = []
    for i, (data, suffix) in enumerate(zip(files, suffixes)):
        paths.append(folder / f"{i:02d}{suffix}")
        paths[-1].write_bytes(data)
    events = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = FolderSource(folder, on_event=events.append, max_pixels=max_pixels)
        frames = list(source)
        for f in frames:
            _check_frame(f.image, max_pixels)
            assert decode_file(f.origin, max_pixels).shape == f.image.shape
    skipped = {e.origin: e.message for e in events if e.kind == "skipped"}
    assert all(m.startswith("skipped: ") and len(m) > len("skipped: ") for m in skipped.values())
    assert sorted([f.origin for f in frames] + list(skipped)) == sorted(str(p) for p in paths)
    assert source.skipped == len(skipped)
