"""Models and prompt sets travelling between stations: `models import` and station packs."""

import json
import zipfile

import open_clip
import pytest
import torch
from safetensors.torch import save_file

from station.cli import main
from station.models.clip_store import load_clip_folder
from station.prompts.files import PromptSetMeta, save_prompt_set
from station.runtime import Station

PW = "manager-password"


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


def test_pack_carries_model_prompts_and_classes_and_refuses_tampering(tmp_path, monkeypatch, capsys, manager):
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
    assert main(["--user", manager, "pack", "export", str(pack)]) == 0
    capsys.readouterr()

    b = station_dir(tmp_path, "b", monkeypatch, capsys)
    assert main(["--user", manager, "pack", "import", str(pack)]) == 0
    assert "every file matched" in capsys.readouterr().out
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
    assert main(["--user", manager, "pack", "import", str(tampered)]) == 2
    err = capsys.readouterr().err
    assert "prompts/" in err and "damaged or was altered" in err
    assert not (c / "prompts").exists()
