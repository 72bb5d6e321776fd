"""Any unreadable model file is refused with a message naming the file and the fix, never a traceback: a
property test damages the demo model folders as disks, copies and people do (truncated, emptied, overwritten with
other bytes, replaced by a folder, JSON edited), with the manifest's hash updated to match or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.models.clip_store import load_clip_folder
from station.models.cnn_store import load_cnn_folder
from station.models.files import MANIFEST_NAME, ModelFileError, sha256_file
from station.paths import demo_models_dir

FUZZ = settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
DAMAGE = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.0, 0.999)),
    st.tuples(st.just("empty"), st.none()),
    st.tuples(st.just("bytes"), st.binary(min_size=0, max_size=64)),
    st.tuples(st.just("header"), st.integers(0, 200)),  # one byte of the header changed
    st.tuples(st.just("folder"), st.none()),
    st.tuples(st.just("json"), st.sampled_from(['{', '[]', '{"files": 3}', '{"files": {"x": 1}}', 'null', '"x"',
                                                '{"model_cfg": 5}', '{"architecture": "PartCNN"}'])),
)


def damage(path: Path, how: tuple, rehash: bool) -> None:
    kind, arg = how
    data = path.read_bytes()
    if kind == "truncate":
        path.write_bytes(data[: int(len(data) * arg)])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "bytes":
        path.write_bytes(arg)
    elif kind == "header":
        data = bytearray(data)
        data[arg % len(data)] ^= 0x5A
        path.write_bytes(bytes(data))
    elif kind == "folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_text(arg)
    manifest = path.parent / MANIFEST_NAME
    if rehash and path.is_file() and path.name != MANIFEST_NAME:  # someone "fixed" the manifest too
        m = json.loads(manifest.read_text())
        m["files"][path.name] = sha256_file(path)
        manifest.write_text(json.dumps(m))


def copy_of(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(demo_models_dir() / name, target)
    return target


@FUZZ
@given(how=DAMAGE, which=st.sampled_from(["open_clip_model.safetensors", "open_clip_config.json", MANIFEST_NAME]),
       rehash=st.booleans())
def test_a_damaged_clip_folder_is_refused_by_name(tmp_path, how, which, rehash):
    folder = copy_of(tmp_path, "clip")
    damage(folder / which, how, rehash)
    try:
        load_clip_folder(folder)  # a harmless change (a weight byte flipped and re-hashed) may still load
    except ModelFileError as e:
        assert str(folder) in str(e) and e.fix


@FUZZ
@given(how=DAMAGE, which=st.sampled_from(["model.safetensors", "config.json", MANIFEST_NAME]), rehash=st.booleans())
def test_a_damaged_cnn_folder_is_refused_by_name(tmp_path, how, which, rehash):
    folder = copy_of(tmp_path, "cnn")
    damage(folder / which, how, rehash)
    try:
        load_cnn_folder(folder)
    except ModelFileError as e:
        assert str(folder) in str(e) and e.fix


def test_no_command_shows_a_traceback_for_a_truncated_model(tmp_path, station_server):
    """`station models check` on the truncated weights the manifest vouches for: the file and the fix, exit 1
    (`station`'s main in a process of its own, forked from the test process's command server)."""
    import os

    import station_process

    folder = copy_of(tmp_path, "clip")
    damage(folder / "open_clip_model.safetensors", ("truncate", 0.5), rehash=True)
    out, err = tmp_path / "out", tmp_path / "err"
    code = station_process.run(station_server, ["--data-dir", str(tmp_path / "data"), "models", "check", str(folder)],
                               dict(os.environ), str(tmp_path), str(out), str(err), 300)
    stdout, stderr = out.read_text(), err.read_text()
    assert code not in (0, None)
    assert "Traceback" not in stderr + stdout
    assert "open_clip_model.safetensors" in stderr and "damaged" in stderr
