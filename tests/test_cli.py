import json
import os
import subprocess
import sys

import pytest

from station import __version__
from station.cli import main
from station.paths import default_data_dir


def run_station(*args, env=None):
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True, env=env, timeout=120)


def test_version_and_help():
    out = run_station("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"station {__version__}"
    helped = run_station("--help")
    assert helped.returncode == 0
    for command in ("demo", "demo-train", "synth", "models", "capture", "--data-dir"):
        assert command in helped.stdout


def test_a_reader_that_stops_reading_gets_no_traceback(tmp_path):
    """`station history | head`: the pipe closes before the command has written; it ends without a traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "station", "--data-dir", str(tmp_path), "history"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the interpreter has even started: every write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and "Traceback" not in err and "BrokenPipe" not in err, err
    assert "output was closed by its reader" in err  # said, and not a success: a line stopped this way shows it


def test_product_commands_that_load_no_model_import_no_torch(onboarded, tmp_path):
    """`product check`, `list`, `show`, `accept`, `use` answer in about a second: torch (5 s to import) is
    imported only by what trains or judges. Each command runs for real on an onboarded station, and fails this
    test if it pulled torch in."""
    import shutil

    from conftest import copy_data, PW

    root, photos, *_ = onboarded
    data = tmp_path / "data"
    copy_data(root / "data", data)
    # one fresh interpreter runs the commands one after the other, as `station` would run each: after each, its
    # status and whether torch is loaded now (a command that imported it leaves it in sys.modules)
    code = ("import json, sys\nfrom station.cli import main\n"
            "for args in json.loads(sys.argv[2]):\n"
            "    rc = main(['--data-dir', sys.argv[1], '--user', 'boss', *args])\n"
            "    print(json.dumps([args, rc, 'torch' in sys.modules]), flush=True)\n")
    commands = [["product", "check", str(photos), "--good", "good", "--quiet"], ["product", "list"],
                ["product", "show", "nut"], ["product", "accept", "nut"], ["product", "use", "nut"],
                ["product", "use", "--none"]]
    done = subprocess.run([sys.executable, "-c", code, str(data), json.dumps(commands)], capture_output=True,
                          text=True, env={**os.environ, "STATION_PASSWORD": PW}, timeout=120)
    ran = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('[[')]
    assert done.returncode == 0 and [args for args, *_ in ran] == commands, done.stderr[-500:]
    assert [(args, rc, torch) for args, rc, torch in ran if rc != 0 or torch] == [], done.stderr[-500:]


def test_data_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("STATION_DATA_DIR")
    assert "inspection-station" in str(default_data_dir())


def test_missing_model_folder_is_a_clear_error(tmp_path, capsys):
    code = main(["models", "verify", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2
    assert "nowhere" in err and "not found" in err
    assert "Traceback" not in err


def test_synth_frames_feed_capture_check(tmp_path, capsys):
    assert main(["synth", "frames", str(tmp_path / "frames"), "--count", "5", "--size", "64"]) == 0
    assert len(list((tmp_path / "frames").glob("*.png"))) == 5
    assert main(["capture", "check", "folder", str(tmp_path / "frames"), "--quiet"]) == 0
    assert "5 frames from image folder" in capsys.readouterr().out


def test_an_option_of_the_whole_program_after_the_command_is_explained(capsys):
    from station.cli.parser import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["gui", "--data-dir", "/tmp/somewhere"])
    assert "--data-dir and --user go before the command" in capsys.readouterr().err
