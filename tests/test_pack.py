"""Models and prompt sets travelling between stations: `models import`, and station packs, which are signed by a
plant key, checked in full before anything is written, and show the settings they change."""

import hashlib
import io
import json
import re
import sqlite3
import stat
import sys
import threading
import warnings
import zipfile

import open_clip
import pytest
import tomli_w
import torch
from safetensors.torch import save_file

from station.cli import main
from station.config import default_config
from station.models.clip_store import load_clip_folder
from station.models.identity import foundation_sha256
from station.pack import FORMAT, MANIFEST, SIGNATURE, PackError, limits
from station.pack.archive import PackArchive, ReadBudget
from station.pack.manifest import load_json, parse_manifest
from station.prompts.files import PromptSetMeta, save_prompt_set
from station.runtime import Station
from station.signing import fingerprint, generate_key_pair, load_private_key

PW = "manager-password"
MIB = 1024 * 1024


@pytest.fixture
def manager(monkeypatch):
    monkeypatch.setenv("STATION_NEW_PASSWORD", PW)
    monkeypatch.setenv("STATION_PASSWORD", PW)
    return "mia"


def station_dir(tmp_path, name, monkeypatch, capsys):
    d = tmp_path / name
    monkeypatch.setenv("STATION_DATA_DIR", str(d))
    assert main(["users", "add", "mia", "--role", "manager"]) == 0
    capsys.readouterr()
    return d


@pytest.fixture
def plant(tmp_path, capsys):
    """The plant's key pair, made as the README says: (private key file, public key file, fingerprint)."""
    key = tmp_path / "keys" / "plant.key"
    assert main(["pack", "keygen", "--out", str(key)]) == 0
    fp = re.search(r"fingerprint: ([0-9a-f]{64})", capsys.readouterr().out).group(1)
    return key, key.with_suffix(".pub"), fp


def trust(pub, name="Plant A") -> None:
    assert main(["--user", "mia", "keys", "trust", str(pub), "--name", name]) == 0


@pytest.fixture
def receiver(tmp_path, monkeypatch, capsys, manager, plant):
    """Station b, with a manager and the plant's key trusted."""
    d = station_dir(tmp_path, "b", monkeypatch, capsys)
    trust(plant[1])
    capsys.readouterr()
    return d


def import_(pack, *extra) -> int:
    return main(["--user", "mia", "pack", "import", str(pack), *extra])


def settings_toml(**changes) -> bytes:
    """This version's default settings (what a demo station exports), with `changes` as {section: {key: value}}."""
    raw = default_config().to_dict()
    for section, values in changes.items():
        raw[section].update(values)
    return tomli_w.dumps(raw).encode("utf-8")


def hand_made_pack(path, key_file, files=None, manifest=None, sign=True, infos=None, compression=zipfile.ZIP_STORED):
    """A pack written entry by entry, as anyone holding the key could: `manifest` overrides the honest fields,
    `infos` gives some entries a ZipInfo of their own (mode bits, names)."""
    key = load_private_key(key_file)
    files = {"settings.toml": settings_toml()} if files is None else files
    honest = {"format": FORMAT, "station_version": "test", "created_by": "mia",
              "created_at": "2026-11-23T00:00:00+00:00", "foundation_sha256": foundation_sha256(default_config()),
              "signer": fingerprint(key.public_key()), "model": {"kind": "demo"},
              "files": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}}
    data = json.dumps({**honest, **(manifest or {})}).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, content in files.items():
            z.writestr((infos or {}).get(name, name), content)
        z.writestr(MANIFEST, data)
        if sign:
            z.writestr(SIGNATURE, key.sign(data))
    return path


def files_under(folder) -> dict:
    """Every file and its bytes, leaving out the database and the audit trail's own files (refusals are audited)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(("station.db", "audit.", "station.lock"))}


def audit_events(data, action) -> list[tuple[str, dict]]:
    with sqlite3.connect(data / "station.db") as con:
        rows = con.execute("SELECT actor, detail FROM audit_event WHERE action = ? ORDER BY id", (action,)).fetchall()
    return [(actor, json.loads(detail)) for actor, detail in rows]


@pytest.fixture
def tiny_checkpoint(tmp_path, demo_dir):
    """The demo CLIP as a plain checkpoint file of a registered open_clip architecture."""
    clip = load_clip_folder(demo_dir / "clip")
    cfg = json.loads((demo_dir / "clip" / "open_clip_config.json").read_text())["model_cfg"]
    cfg_file = tmp_path / "tiny-demo.json"
    cfg_file.write_text(json.dumps(cfg))
    open_clip.add_model_config(cfg_file)
    path = tmp_path / "supplier" / "tiny.safetensors"
    path.parent.mkdir()
    save_file({k: v.float().contiguous() for k, v in clip.model.state_dict().items()}, str(path))
    return path


def test_models_import_checks_hash_and_loadability_then_is_used(tmp_path, monkeypatch, capsys, manager, tiny_checkpoint):
    from station.models.files import sha256_file

    d = station_dir(tmp_path, "a", monkeypatch, capsys)
    assert main(["--user", manager, "models", "import", str(tiny_checkpoint), "--arch", "tiny-demo",
                 "--sha256", "0" * 64]) == 2
    assert "sha256" in capsys.readouterr().err
    assert main(["--user", manager, "models", "import", str(tiny_checkpoint), "--arch", "ViT-B-32"]) == 2
    assert "ViT-B-32" in capsys.readouterr().err  # a file of another architecture is named as such
    sha = sha256_file(tiny_checkpoint)
    assert main(["--user", manager, "models", "import", str(tiny_checkpoint), "--arch", "tiny-demo",
                 "--sha256", sha, "--use"]) == 0
    copied = d / "models" / f"tiny-demo-{sha[:12]}" / "tiny.safetensors"
    assert copied.is_file() and sha256_file(copied) == sha
    tiny_checkpoint.unlink()  # the station no longer needs the supplier's copy
    station = Station.open(d)
    try:
        assert station.clip.sha256 == sha and station.clip.path == copied
    finally:
        station.close()
    assert main(["--user", manager, "audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out


def test_pack_carries_model_prompts_and_classes_and_refuses_tampering(tmp_path, monkeypatch, capsys, manager, plant):
    key, pub, fp = plant
    a = station_dir(tmp_path, "a", monkeypatch, capsys)
    settings = a / "station.toml"
    settings.write_text(settings.read_text().replace("conf_a = 0.5", "conf_a = 0.65"))
    station = Station.open(a)
    prompts = torch.randn(station.clip.model.visual.transformer.layers - 3, 2, 128) * 0.02
    meta = PromptSetMeta(base_model_sha256=station.clip.sha256, classes=[{"key": c.key, "name": c.name, "text": c.name}
                         for c in station.config.classes], first_prompted_block=3, tokens_per_block=2, name="line-7")
    station.close()
    prompt_file = tmp_path / "line-7.safetensors"
    save_prompt_set(prompt_file, prompts, meta)
    assert main(["--user", manager, "prompts", "import", str(prompt_file)]) == 0
    assert main(["--user", manager, "prompts", "activate", "1"]) == 0
    pack = tmp_path / "line-7.stationpack"
    assert main(["--user", manager, "pack", "export", str(pack), "--sign-key", str(key)]) == 0
    assert fp in capsys.readouterr().out

    b = station_dir(tmp_path, "b", monkeypatch, capsys)
    trust(pub)
    assert import_(pack, "--yes") == 0
    out = capsys.readouterr().out
    assert "every file matched" in out and "thresholds.conf_a: 0.5 -> 0.65" in out
    station = Station.open(b)
    try:
        assert station.config.thresholds.conf_a == pytest.approx(0.65)
        assert station.check_a.prompt_set_id is not None
        assert torch.equal(station.check_a.encoder.prompts.cpu(), prompts)
    finally:
        station.close()

    tampered = tmp_path / "tampered.stationpack"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("prompts/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(item, data)
    c = station_dir(tmp_path, "c", monkeypatch, capsys)
    trust(pub)
    assert import_(tampered, "--yes") == 2
    err = capsys.readouterr().err
    assert "prompts/" in err and "damaged or was altered" in err
    assert not (c / "prompts").exists() and not (c / "packs").exists()
    [(actor, detail)] = audit_events(c, "pack.import.refused")
    assert actor == "mia" and "prompts/" in detail["reason"] and detail["signer"] == fp


def test_a_path_like_foundation_sha256_writes_nothing_outside_the_data_folder(tmp_path, receiver, plant, capsys):
    sentinel = tmp_path / "sentinel"
    (sentinel / "model").mkdir(parents=True)
    (sentinel / "model" / "keep.txt").write_text("the plant's own file")
    # the old import made its folder from the first 16 characters: data/packs/../../sentinel
    pack = hand_made_pack(tmp_path / "evil.pack", plant[0],
                          files={"settings.toml": settings_toml(), "model/x.bin": b"not a model"},
                          manifest={"foundation_sha256": "../../sentinel",
                                    "model": {"kind": "file", "stored": "model/x.bin"}})
    outside, inside = files_under(sentinel), files_under(receiver)
    assert import_(pack, "--yes") == 2
    err = capsys.readouterr().err
    assert "foundation_sha256" in err and "64 lowercase hex" in err
    assert files_under(sentinel) == outside and files_under(receiver) == inside


@pytest.fixture
def small_caps(monkeypatch):
    """Caps of 1 MiB, so a bomb of a few MiB shows what one of gigabytes would do."""
    for name in ("MAX_TOTAL_BYTES", "MAX_ENTRY_BYTES"):
        monkeypatch.setattr(limits, name, MIB)
    monkeypatch.setattr(limits, "CHUNK_BYTES", 64 * 1024)


@pytest.fixture
def bytes_read(monkeypatch):
    """Counts the bytes the pack reader takes out of each entry."""
    seen = {}
    chunks = PackArchive.chunks

    def counted(self, name, budget):
        for chunk in chunks(self, name, budget):
            seen[name] = seen.get(name, 0) + len(chunk)
            yield chunk

    monkeypatch.setattr(PackArchive, "chunks", counted)
    return seen


def bomb_files() -> dict:
    return {"settings.toml": settings_toml(), "model/weights.bin": bytes(8 * MIB)}  # zeros: deflates to 8 KiB


BOMB_MANIFEST = {"model": {"kind": "file", "stored": "model/weights.bin"}}


def test_a_zip_bomb_is_refused_from_its_declared_size_before_it_is_read(tmp_path, receiver, plant, capsys,
                                                                         small_caps, bytes_read):
    pack = hand_made_pack(tmp_path / "bomb.pack", plant[0], bomb_files(), BOMB_MANIFEST,
                          compression=zipfile.ZIP_DEFLATED)
    assert pack.stat().st_size < 64 * 1024
    before = files_under(receiver)
    assert import_(pack, "--yes") == 2
    assert "'model/weights.bin' is 8.0 MiB, over the cap of 1.0 MiB" in capsys.readouterr().err
    assert bytes_read == {} and files_under(receiver) == before


def understate_size(path, name: str, size: int) -> None:
    """Make the zip's headers (central directory and local) claim `size` uncompressed bytes for `name`."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
        at = data.find(signature)
        while at >= 0:
            length = int.from_bytes(data[at + name_len_at:at + name_len_at + 2], "little")
            if bytes(data[at + name_at:at + name_at + length]) == encoded:
                data[at + size_at:at + size_at + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_whose_header_understates_its_size_is_cut_off_while_streaming(tmp_path, receiver, plant, capsys,
                                                                                  small_caps, bytes_read):
    pack = hand_made_pack(tmp_path / "liar.pack", plant[0], bomb_files(), BOMB_MANIFEST,
                          compression=zipfile.ZIP_DEFLATED)
    understate_size(pack, "model/weights.bin", 1000)
    with zipfile.ZipFile(pack) as z:
        assert z.getinfo("model/weights.bin").file_size == 1000  # the directory now passes the size caps
    before = files_under(receiver)
    assert import_(pack, "--yes") == 2
    assert "model/weights.bin" in capsys.readouterr().err
    assert bytes_read.get("model/weights.bin", 0) <= 1000 and sum(bytes_read.values()) <= MIB
    assert files_under(receiver) == before


def test_an_entry_that_streams_past_its_declared_size_is_cut_off_at_it(tmp_path, small_caps):
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("model/w.bin", b"x" * 1000)
    with PackArchive(path) as archive:
        archive._zip.open = lambda info: io.BytesIO(b"x" * (8 * MIB))  # a decompressor that will not stop
        taken = 0
        with pytest.raises(PackError, match="zip bomb"):
            for chunk in archive.chunks("model/w.bin", ReadBudget()):
                taken += len(chunk)
    assert taken <= 64 * 1024


def test_a_symlink_entry_is_refused(tmp_path, receiver, plant, capsys):
    link = zipfile.ZipInfo("model/weights.bin")
    link.create_system = 3  # unix, whose mode bits say: a symbolic link to ...
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    pack = hand_made_pack(tmp_path / "link.pack", plant[0],
                          files={"settings.toml": settings_toml(), "model/weights.bin": b"../../../../etc/passwd"},
                          manifest={"model": {"kind": "file", "stored": "model/weights.bin"}},
                          infos={"model/weights.bin": link})
    before = files_under(receiver)
    assert import_(pack, "--yes") == 2
    assert "'model/weights.bin' is a symbolic link" in capsys.readouterr().err
    assert files_under(receiver) == before


@pytest.mark.parametrize("names", [["/etc/cron.d/x"], ["../x"], ["model/../../x"], ["model\\..\\x"], ["model//x"],
                                   ["model/./x"], ["model/x\x01"], ["model/x", "model/x"], ["model/A", "model/a"]])
def test_unsafe_and_repeated_entry_names_are_refused_before_any_entry_is_read(tmp_path, names):
    path = tmp_path / "names.zip"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as z:
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name, and writes it
        for name in names:
            z.writestr(name, b"x")
    with pytest.raises(PackError, match="do not use it"):
        PackArchive(path)


def good_manifest(**changes) -> dict:
    raw = {"format": FORMAT, "station_version": "1", "created_by": "mia", "created_at": "now",
           "foundation_sha256": "a" * 64, "signer": "b" * 64, "model": {"kind": "demo"},
           "files": {"settings.toml": "c" * 64}}
    return {**raw, **changes}


@pytest.mark.parametrize("raw", [
    good_manifest(format="2"), good_manifest(format=True), good_manifest(files=[]), good_manifest(files=None),
    good_manifest(model=None), good_manifest(model={"kind": "file"}), good_manifest(model={"kind": "file", "stored": 3}),
    good_manifest(foundation_sha256="A" * 64), good_manifest(foundation_sha256="a" * 63 + "\n"),
    good_manifest(signer=["b" * 64]), good_manifest(files={"settings.toml": "c" * 64, "model/x": "d" * 64}),
    good_manifest(prompt_set={"name": "p", "version": "1", "stored": "prompts/p"}, files={"settings.toml": "c" * 64,
                  "prompts/p": "d" * 64}),
    good_manifest(extra="field"), {k: v for k, v in good_manifest().items() if k != "files"},
])
def test_manifest_fields_of_the_wrong_type_give_a_pack_error(raw):
    with pytest.raises(PackError, match="manifest"):
        parse_manifest(raw, "p.pack")


@pytest.mark.parametrize("data", [b"[]", b"\xff\xfe{", b"[" * 100_000, b'{"a": 1, "a": 2}', b"{", b"1e999999"])
def test_manifest_json_that_is_not_one_object_gives_a_pack_error(data):
    with pytest.raises(PackError):
        load_json(data, "p.pack")


def test_an_unsigned_pack_is_refused_and_the_refusal_audited(tmp_path, receiver, plant, capsys):
    before = files_under(receiver)
    assert import_(hand_made_pack(tmp_path / "unsigned.pack", plant[0], sign=False), "--yes") == 2
    assert "not signed" in capsys.readouterr().err
    assert files_under(receiver) == before
    [(actor, detail)] = audit_events(receiver, "pack.import.refused")
    assert actor == "mia" and "not signed" in detail["reason"]


def test_only_packs_signed_by_a_trusted_key_are_taken(tmp_path, monkeypatch, capsys, manager, plant):
    key, pub, fp = plant
    a = station_dir(tmp_path, "a", monkeypatch, capsys)
    (a / "station.toml").write_text((a / "station.toml").read_text().replace("conf_b = 0.7", "conf_b = 0.8"))
    pack = tmp_path / "line.pack"
    assert main(["--user", "mia", "pack", "export", str(pack), "--sign-key", str(key)]) == 0
    stranger_key, _, stranger = generate_key_pair(tmp_path / "stranger.key")
    strange = hand_made_pack(tmp_path / "stranger.pack", stranger_key)

    b = station_dir(tmp_path, "b", monkeypatch, capsys)
    assert import_(pack, "--yes") == 2  # nobody trusted yet
    err = capsys.readouterr().err
    assert f"signed by key {fp}, which this station does not trust" in err and "station keys trust" in err
    trust(pub)
    assert import_(strange, "--yes") == 2  # the plant is trusted, a stranger is not
    assert f"signed by key {stranger}, which this station does not trust" in capsys.readouterr().err
    assert main(["pack", "show", str(pack)]) == 0  # shows, changes nothing
    assert "conf_b: 0.7 -> 0.8" in capsys.readouterr().out and "conf_b = 0.7" in (b / "station.toml").read_text()
    assert import_(pack, "--yes") == 0
    assert "conf_b = 0.8" in (b / "station.toml").read_text()
    [(_, done)] = audit_events(b, "pack.import")
    assert done["signer"] == fp and done["signer_name"] == "Plant A"

    assert main(["--user", "mia", "keys", "remove", fp]) == 0
    assert import_(pack, "--yes") == 2
    assert "was removed" in capsys.readouterr().err
    assert [d["signer"] for _, d in audit_events(b, "pack.import.refused")] == [fp, stranger, fp]


def test_a_manifest_altered_after_signing_is_refused(tmp_path, receiver, plant, capsys):
    honest = hand_made_pack(tmp_path / "honest.pack", plant[0])
    weaker = settings_toml(thresholds={"conf_a": 0.05})
    altered = tmp_path / "altered.pack"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(altered, "w") as dst:
        manifest = json.loads(src.read(MANIFEST))
        manifest["files"]["settings.toml"] = hashlib.sha256(weaker).hexdigest()  # hashes made to agree again
        dst.writestr("settings.toml", weaker)
        dst.writestr(MANIFEST, json.dumps(manifest))
        dst.writestr(SIGNATURE, src.read(SIGNATURE))
    assert import_(honest, "--yes") == 0
    assert import_(altered, "--yes") == 2
    assert "does not match its signature" in capsys.readouterr().err
    assert "conf_a = 0.05" not in (receiver / "station.toml").read_text()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_weakened_settings_are_shown_before_import_and_recorded_with_it(tmp_path, receiver, plant, capsys,
                                                                         monkeypatch):
    raw = json.loads(json.dumps(default_config().to_dict()))
    raw["thresholds"]["conf_a"] = 0.05
    raw["failsafe"]["max_review_share"] = 0.99
    raw["gate"]["enabled"] = False
    next(c for c in raw["classes"] if c["key"] == "washer/scratch")["good"] = True
    pack = hand_made_pack(tmp_path / "weak.pack", plant[0], files={"settings.toml": tomli_w.dumps(raw).encode()})
    shown = ["thresholds.conf_a: 0.5 -> 0.05", "failsafe.max_review_share: 0.6 -> 0.99", "gate.enabled: true -> false",
             "classes.washer/scratch.good: false -> true"]
    before = files_under(receiver)

    assert main(["pack", "show", str(pack)]) == 0
    out = capsys.readouterr().out
    assert all(line in out for line in shown), out
    assert f"Plant A (key {plant[2]})" in out

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script: nobody to ask
    assert import_(pack) == 2
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))  # a person who reads the list and says no
    assert import_(pack) == 1
    out = capsys.readouterr().out
    assert all(line in out for line in shown), out
    assert files_under(receiver) == before

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    assert import_(pack) == 0
    assert "conf_a = 0.05" in (receiver / "station.toml").read_text()
    [(actor, detail)] = audit_events(receiver, "pack.import")
    changed = detail["settings_changed"]
    assert actor == "mia" and detail["signer"] == plant[2]
    assert changed["thresholds.conf_a"] == [0.5, 0.05] and changed["gate.enabled"] == [True, False]
    assert changed["failsafe.max_review_share"] == [0.6, 0.99] and "classes" in changed
    assert main(["--user", "mia", "audit", "verify"]) == 0  # the import recorded the settings it saved


def test_keys_are_a_managers_to_trust_and_remove_and_every_change_is_audited(tmp_path, monkeypatch, capsys, manager,
                                                                            plant):
    key, pub, fp = plant
    d = station_dir(tmp_path, "b", monkeypatch, capsys)
    assert main(["--user", "mia", "users", "add", "otto", "--role", "operator"]) == 0
    assert main(["--user", "otto", "keys", "trust", str(pub), "--name", "Plant A"]) == 2
    assert main(["--user", "mia", "keys", "trust", str(pub), "--name", "Plant A", "--fingerprint", "0" * 64]) == 2
    assert "not the key the plant announced" in capsys.readouterr().err
    assert main(["--user", "mia", "keys", "trust", str(key), "--name", "Plant A"]) == 2  # the private key, by mistake
    assert main(["--user", "mia", "keys", "trust", str(pub), "--name", "Plant A", "--fingerprint", fp]) == 0
    assert main(["--user", "mia", "keys", "trust", str(pub), "--name", "Plant A"]) == 2
    assert "already trusted" in capsys.readouterr().err
    assert main(["--user", "mia", "keys", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(k["fingerprint"], k["name"], k["trusted"]) for k in listed] == [(fp, "Plant A", True)]

    pack = hand_made_pack(tmp_path / "line.pack", key)
    assert import_(pack, "--yes") == 0
    assert main(["--user", "otto", "pack", "import", str(pack), "--yes"]) == 2  # an operator may not
    assert [a for a, _ in audit_events(d, "pack.import.refused")] == ["otto"]

    assert main(["--user", "otto", "keys", "remove", fp]) == 2
    assert main(["--user", "mia", "keys", "remove", fp[:6]]) == 2  # too short to name a key
    assert main(["--user", "mia", "keys", "remove", fp[:12]]) == 0
    capsys.readouterr()
    assert main(["--user", "mia", "keys", "list"]) == 0
    assert "no trusted keys" in capsys.readouterr().out
    assert main(["--user", "mia", "keys", "list", "--all"]) == 0
    assert "(removed)" in capsys.readouterr().out
    assert [d["fingerprint"] for _, d in audit_events(d, "keys.trust")] == [fp]
    assert [(a, d["fingerprint"]) for a, d in audit_events(d, "keys.remove")] == [("mia", fp)]


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(tmp_path, capsys, plant):
    key, pub, fp = plant
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and pub.is_file()
    assert fingerprint(load_private_key(key).public_key()) == fp
    kept = key.read_bytes()
    assert main(["pack", "keygen", "--out", str(key)]) == 2
    assert "exists already" in capsys.readouterr().err and key.read_bytes() == kept


def test_the_window_shows_a_packs_settings_changes_and_imports_it_off_the_gui_thread(tmp_path, receiver, plant,
                                                                                     monkeypatch, qtbot):
    """The prompts page's pack import, on a station whose models are not loaded (only the database and settings)."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

    from station.auth import sign_in
    from station.config import load
    from station.records import open_records
    from station.storage.db import sqlite_url
    from ui import pack_import
    from ui.widgets import ProgressPanel

    pack = hand_made_pack(tmp_path / "weak.pack", plant[0], files={"settings.toml": settings_toml(thresholds={"conf_a": 0.05})})
    db = open_records(sqlite_url(receiver), receiver)
    station = SimpleNamespace(db=db, data_dir=receiver, config=load(receiver), own_config=None)
    page = QWidget()
    qtbot.addWidget(page)
    page.ctx = SimpleNamespace(station=station, user=sign_in(db, "mia", PW, via="test"),
                               events=SimpleNamespace(settings_changed=SimpleNamespace(emit=lambda: None)))
    page.job, page.progress = None, ProgressPanel(page)
    shown, told, on_gui_thread = [], [], []

    def confirm(dialog):
        on_gui_thread.append(("confirm", threading.current_thread() is threading.main_thread()))
        shown.append(dialog.text.toPlainText())
        return QDialog.DialogCode.Accepted

    def watched(work):
        def run(*args, **kwargs):
            on_gui_thread.append((work.__name__, threading.current_thread() is threading.main_thread()))
            return work(*args, **kwargs)
        return run

    for name in ("preview_import", "import_pack"):
        monkeypatch.setattr(pack_import.packs, name, watched(getattr(pack_import.packs, name)))
    monkeypatch.setattr(pack_import.PackConfirmDialog, "exec", confirm)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append("warning: " + text))
    try:
        pack_import.PackImporter(page).check(str(pack))
        qtbot.waitUntil(lambda: bool(told), timeout=60_000)
        qtbot.waitUntil(lambda: page.job is None, timeout=10_000)
    finally:
        db.close()
    assert on_gui_thread == [("preview_import", False), ("confirm", True), ("import_pack", False)]
    assert "thresholds.conf_a: 0.5 -> 0.05" in shown[0]
    assert told[0].startswith("Imported weak.pack, signed by Plant A")
    assert "conf_a = 0.05" in (receiver / "station.toml").read_text()


def test_an_older_pack_is_not_replayed_over_a_newer_one_without_being_told(tmp_path, monkeypatch, capsys, manager,
                                                                           plant):
    """Packs count up per signer: one not newer than the last taken from that key is refused (the settings it
    would bring back were superseded), named as such, and taken only with --allow-older, which is audited."""
    from station.config import load

    key, pub, fp = plant
    d = station_dir(tmp_path, "r", monkeypatch, capsys)
    assert main(["--user", "mia", "keys", "trust", str(pub), "--name", "Plant A"]) == 0
    old = hand_made_pack(tmp_path / "old.pack", key, files={"settings.toml": settings_toml(thresholds={"conf_a": 0.5})},
                         manifest={"sequence": 10})
    new = hand_made_pack(tmp_path / "new.pack", key, files={"settings.toml": settings_toml(thresholds={"conf_a": 0.9})},
                         manifest={"sequence": 11})
    assert import_(new, "--yes") == 0
    capsys.readouterr()
    assert import_(old, "--yes") == 2
    err = capsys.readouterr().err
    assert "sequence 10 is not newer than 11" in err and "--allow-older" in err
    assert load(d).thresholds.conf_a == 0.9  # the newer settings stay
    assert main(["--user", "mia", "pack", "show", str(old)]) == 0
    assert "OLDER than the pack 11" in capsys.readouterr().out
    assert import_(old, "--yes", "--allow-older") == 0
    assert load(d).thresholds.conf_a == 0.5
    (_, taken), = [e for e in audit_events(d, "pack.import") if e[1].get("sequence") == 10]
    assert taken["older_than"] == 11


def test_export_numbers_its_packs_upward(tmp_path):
    from station.pack.exporter import next_sequence

    key = tmp_path / "plant.key"
    first, second = next_sequence(key), next_sequence(key)
    assert second == first + 1 and (tmp_path / "plant.key.sequence").stat().st_mode & 0o777 == 0o600


def test_a_signed_product_travels_whole_and_arrives_unsigned_and_a_damaged_one_is_refused(
        tmp_path, monkeypatch, capsys, manager, plant, onboarded):
    from conftest import copy_data, PW as STATION_PW

    key, pub, fp = plant
    root = onboarded[0]
    a = tmp_path / "a"
    copy_data(root / "data", a)
    monkeypatch.setenv("STATION_DATA_DIR", str(a))
    monkeypatch.setenv("STATION_PASSWORD", STATION_PW)
    pack = tmp_path / "nut.stationpack"
    assert main(["--user", "boss", "pack", "export", str(pack), "--sign-key", str(key)]) == 0
    assert not [n for n in zipfile.ZipFile(pack).namelist() if n.startswith("products/")]  # not signed: not sent
    assert main(["--user", "boss", "product", "accept", "nut"]) == 0
    assert main(["--user", "boss", "pack", "export", str(pack), "--sign-key", str(key)]) == 0
    sent = {n for n in zipfile.ZipFile(pack).namelist() if n.startswith("products/nut/v1/")}
    assert {"products/nut/v1/manifest.json", "products/nut/v1/bank.safetensors", "products/nut/v1/product.json",
            "products/nut/v1/acceptance.html"} <= sent and any("/check_b/" in n for n in sent)
    assert any("/held_out/" in n for n in sent)  # the self-tests' photos travel with it
    capsys.readouterr()

    monkeypatch.setenv("STATION_PASSWORD", PW)
    b = station_dir(tmp_path, "b", monkeypatch, capsys)
    trust(pub)
    assert main(["pack", "show", str(pack)]) == 0
    assert "nut v1 (signed there by boss; arrives unsigned)" in capsys.readouterr().out
    assert import_(pack, "--yes") == 0
    capsys.readouterr()
    assert main(["--user", "mia", "product", "list", "--json"]) == 0
    [line] = json.loads(capsys.readouterr().out)
    assert (line["name"], line["version"], line["accepted"], line["live"]) == ("nut", 1, False, False)
    assert main(["--user", "mia", "product", "show", "nut", "--json"]) == 0  # its folder checks out against its seal
    shown = json.loads(capsys.readouterr().out)
    assert shown["acceptance"]["photos"] == onboarded[4].acceptance["photos"]
    [(actor, detail)] = audit_events(b, "product.imported")
    assert actor == "mia" and detail["accepted_there_by"] == "boss" and detail["source_sha256"] == onboarded[4].sha256
    assert main(["--user", "mia", "product", "use", "nut"]) == 2  # a manager here signs it first
    assert "no signed acceptance" in capsys.readouterr().err

    # the pack re-signed by someone holding the key: a product file changed, or one its seal never listed added (a
    # prompts file check A would load): refused whole, before anything is written, and nothing is recorded
    def resigned(name: str, change=None, extra: dict | None = None):
        out = tmp_path / name
        with zipfile.ZipFile(pack) as src, zipfile.ZipFile(out, "w") as dst:
            manifest = json.loads(src.read(MANIFEST))
            for item in src.infolist():
                if item.filename in (MANIFEST, SIGNATURE):
                    continue
                data = src.read(item)
                if change and item.filename == change:
                    data = data[:-1] + bytes([data[-1] ^ 1])
                    manifest["files"][item.filename] = hashlib.sha256(data).hexdigest()
                dst.writestr(item, data)
            for added, data in (extra or {}).items():
                dst.writestr(added, data)
                manifest["files"][added] = hashlib.sha256(data).hexdigest()
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            dst.writestr(MANIFEST, body)
            from station.signing import sign
            dst.writestr(SIGNATURE, sign(load_private_key(key), body))
        return out

    for n, (bad, said) in enumerate([
            (resigned("damaged.stationpack", change="products/nut/v1/bank.safetensors"), "is damaged"),
            (resigned("extra.stationpack", extra={"products/nut/v1/prompts.safetensors": b"x" * 64}),
             "holds files its seal does not list")]):
        c = station_dir(tmp_path, f"c{n}", monkeypatch, capsys)
        trust(pub)
        assert import_(bad, "--yes") == 2
        err = capsys.readouterr().err
        assert f"product nut v1 {said}" in err, err
        assert not (c / "products").exists() or not list((c / "products").rglob("*.safetensors"))
        assert not (c / "packs").exists() or not list((c / "packs").rglob("*"))  # the model parts not moved in
        assert main(["--user", "mia", "product", "list", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []
