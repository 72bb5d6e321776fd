"""Property test of the station pack reader and import: random bytes, mutated packs and random manifests (signed by
a trusted key, so that every check past the signature is reached) give a PackError (a StationError) or a valid
result, never another exception, and never a write outside the station's data folder."""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
import zipfile
from pathlib import Path

import pytest
import tomli_w
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from station.config import default_config, load
from station.errors import StationError
from station.models.identity import foundation_sha256
from station.pack import FORMAT, MANIFEST, SIGNATURE, PackPreview, import_pack, read_pack
from station.signing import fingerprint, public_pem
from write_watch import recorded_writes

FUZZ = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NAMES = ["settings.toml", "model/x.bin", "model/sub/y.json", "check_b/probe.bin", "prompts/p.safetensors",
         "../x", "model/../../outside/x", "/etc/x", "model\\x", "model//x", "model", "manifest.json", "manifest.sig",
         "MODEL/X.BIN", "model/x.bin\x00", "other/x", "prompts/../../x", "a" * 300]
SHA = "ab" * 32

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def settings_bytes(**changes) -> bytes:
    raw = default_config().to_dict()
    for section, values in changes.items():
        raw[section].update(values)
    return tomli_w.dumps(raw).encode()


settings_files = st.one_of(
    st.just(settings_bytes()),
    st.just(settings_bytes(thresholds={"conf_a": 0.05}, gate={"enabled": False})),
    st.builds(lambda v: settings_bytes(thresholds={"conf_a": v}),
              st.floats() | st.integers(-(2**70), 2**70) | st.text(max_size=4) | st.booleans() | st.lists(st.integers(), max_size=2)),
    st.builds(lambda v: settings_bytes(failsafe={"window": v}), st.integers(-5, 10**7) | st.text(max_size=4)),
    st.builds(lambda v: settings_bytes(gate={"enabled": v}), st.booleans() | st.just("false")),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)


@st.composite
def packs(draw, signer: Ed25519PrivateKey):
    """A pack as anyone holding a trusted key could write it: mostly honest, with a few things bent."""
    files = {"settings.toml": draw(settings_files)}
    model_kind = draw(st.sampled_from(["demo", "file"]))
    if model_kind == "file":
        files["model/x.bin"] = draw(st.binary(max_size=64))
    manifest = {"format": FORMAT, "station_version": "t", "created_by": "mia", "created_at": "now",
                "foundation_sha256": foundation_sha256(default_config()), "signer": fingerprint(signer.public_key()),
                "model": {"kind": "demo"} if model_kind == "demo" else {"kind": "file", "stored": "model/x.bin"}}
    modes = {}
    for _ in range(draw(st.integers(0, 3))):
        bend = draw(st.sampled_from(["field", "drop", "extra", "name", "hash", "entry", "foundation", "mode",
                                     "stored", "prompt"]))
        if bend == "field":
            manifest[draw(st.sampled_from(sorted(manifest)))] = draw(json_values)
        elif bend == "drop" and manifest:
            manifest.pop(draw(st.sampled_from(sorted(manifest))))
        elif bend == "extra":
            manifest[draw(st.text(max_size=6))] = draw(json_values)
        elif bend == "name":
            files[draw(st.sampled_from(NAMES) | st.text(max_size=12))] = draw(st.binary(max_size=16))
        elif bend == "foundation":
            manifest["foundation_sha256"] = draw(st.sampled_from(["../../outside", SHA.upper(), SHA[:-1], SHA + "\n"]))
        elif bend == "mode":
            modes[draw(st.sampled_from(sorted(files)))] = draw(st.sampled_from([stat.S_IFLNK | 0o777, stat.S_IFDIR | 0o755,
                                                                               stat.S_IFREG | 0o644, 0o777]))
        elif bend == "stored" and isinstance(manifest.get("model"), dict):
            manifest["model"]["stored"] = draw(st.sampled_from(NAMES))
        elif bend == "prompt":
            name = draw(st.sampled_from(["prompts/p.safetensors", "prompts/../p"]))
            files[name] = draw(st.binary(max_size=32))
            manifest["prompt_set"] = {"name": draw(st.text(max_size=8)), "version": draw(st.integers(-1, 3)), "stored": name}
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    if draw(st.integers(0, 4)) == 0:
        bent = draw(st.sampled_from(sorted(hashes)))
        hashes[bent] = draw(st.sampled_from([SHA, SHA.upper(), "", "../x"]) | st.text(max_size=70))
    if draw(st.integers(0, 9)) > 0:
        manifest["files"] = hashes
    data = json.dumps(manifest).encode()
    sign = draw(st.sampled_from(["good", "good", "good", "none", "bad"]))
    return files, modes, data, {"good": signer.sign(data), "none": None, "bad": bytes(64)}[sign]


def write_pack(path: Path, files: dict, modes: dict, manifest: bytes, signature: bytes | None) -> None:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # zipfile warns of a repeated name, and writes it: what a hostile pack does
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in modes:
                info.create_system, info.external_attr = 3, modes[name] << 16
            z.writestr(info, data)
        z.writestr(MANIFEST, manifest)
        if signature is not None:
            z.writestr(SIGNATURE, signature)


@pytest.fixture(scope="module")
def fuzz_station(tmp_path_factory):
    """A data folder with a manager and one trusted plant key, beside a folder nothing may be written into."""
    from station.auth import create_user
    from station.config import save
    from station.records import open_records
    from station.storage.db import sqlite_url
    from station.trusted_keys import trust_key

    root = tmp_path_factory.mktemp("pack-fuzz")
    data, work, outside = root / "data", root / "work", root / "outside"
    for d in (data, work, outside):
        d.mkdir()
    (outside / "keep.txt").write_text("nothing may touch this")
    save(default_config(), data)
    db = open_records(sqlite_url(data), data)
    key = Ed25519PrivateKey.generate()
    with db.transaction() as s:
        user = create_user(s, "mia", "manager", "manager-pass", None)
        trust_key(s, public_pem(key.public_key()), "Plant A", user)
        s.expunge(user)
    yield root, data, work, outside, db, key, user
    db.close()


def _inside(path: str, folder: Path) -> bool:
    return Path(path).is_relative_to(folder)


def _check_one(station, pack: Path) -> None:
    root, data, work, outside, db, key, user = station
    kept = sorted(p.name for p in root.iterdir()), (outside / "keep.txt").read_text()
    with recorded_writes() as written:
        try:
            with db.session() as s:
                preview = read_pack(s, load(data), pack, data)
        except StationError as e:
            assert str(e)
            event("refused when read")
            preview = None
        else:
            assert isinstance(preview, PackPreview) and preview.manifest_sha256
        assert written == [], "reading a pack wrote files"  # a pack is read without writing anything
        if preview is not None:
            try:
                import_pack(db, data, load(data), pack, user, expected_manifest_sha256=preview.manifest_sha256)
                event("imported")
            except StationError as e:
                assert str(e)
                event("refused when imported")
    assert all(_inside(p, data) for p in written), [p for p in written if not _inside(p, data)]
    assert (sorted(p.name for p in root.iterdir()), (outside / "keep.txt").read_text()) == kept
    assert not list(data.glob(".pack-*"))  # the private unpacking folder is always removed


@pytest.fixture(scope="module")
def honest_pack(fuzz_station) -> bytes:
    root, data, work, outside, db, key, user = fuzz_station
    manifest = {"format": FORMAT, "station_version": "t", "created_by": "mia", "created_at": "now",
                "foundation_sha256": foundation_sha256(default_config()), "signer": fingerprint(key.public_key()),
                "model": {"kind": "demo"}, "files": {"settings.toml": hashlib.sha256(settings_bytes()).hexdigest()}}
    data_ = json.dumps(manifest).encode()
    path = work / "honest.pack"
    write_pack(path, {"settings.toml": settings_bytes()}, {}, data_, key.sign(data_))
    return path.read_bytes()


@FUZZ
@given(blob=st.binary(max_size=2048), prefix=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06" + bytes(18)]))
def test_random_bytes_are_refused_as_a_pack(fuzz_station, blob, prefix):
    pack = fuzz_station[2] / "random.pack"
    pack.write_bytes(prefix + blob)
    _check_one(fuzz_station, pack)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from(["set", "cut", "insert"])),
                      min_size=1, max_size=4))
def test_damaged_packs_are_refused_or_read_in_full(fuzz_station, honest_pack, edits):
    raw = bytearray(honest_pack)
    for at, value, how in edits:
        at %= max(len(raw), 1)
        if how == "set" and raw:
            raw[at] = value
        elif how == "cut":
            del raw[at:]
        elif how == "insert":
            raw[at:at] = bytes([value])
    pack = fuzz_station[2] / "damaged.pack"
    pack.write_bytes(bytes(raw))
    _check_one(fuzz_station, pack)


@FUZZ
@given(data=st.data())
def test_packs_signed_by_a_trusted_key_with_random_manifests_and_entries(fuzz_station, data):
    files, modes, manifest, signature = data.draw(packs(fuzz_station[5]))
    pack = fuzz_station[2] / "signed.pack"
    write_pack(pack, files, modes, manifest, signature)
    _check_one(fuzz_station, pack)
