"""The whole inspection flow from the command line, without the GUI."""

import json

import pytest

from station.cli import main


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("STATION_DATA_DIR", str(d))
    return d


def test_inspect_history_review_from_the_command_line(data_dir, capsys, monkeypatch):
    assert main(["inspect", "--source", "synthetic", "--frames", "12", "--json", "--seed", "4"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    frames, summary = lines[:-1], lines[-1]["summary"]
    assert len(frames) == 12 and summary["frames"] == 12
    assert sum(summary["verdicts"].values()) == 12
    assert all(f["verdict"] in ("PASS", "FAIL", "REVIEW") for f in frames)

    assert main(["history", "--json", "--limit", "5"]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert len(hist["inspections"]) == 5 and sum(hist["counts"].values()) == 12
    printed = {f["inspection"]: f["latency_ms"] for f in frames}  # the same frame, the same figure, said twice
    assert all(printed[h["id"]] == h["latency_ms"] for h in hist["inspections"])
    assert all(f["committed_ms"] >= f["latency_ms"] for f in frames)

    # a command that needs an account, on a station with none yet: told how to make the first
    monkeypatch.setenv("STATION_PASSWORD", "guess")
    assert main(["--user", "mia", "failsafe", "reset"]) == 2
    assert "no accounts yet" in capsys.readouterr().err
    assert main(["failsafe", "reset"]) == 2
    assert "station users add NAME --role manager" in capsys.readouterr().err

    # accounts: the first must be a manager; then the manager adds a reviewer
    monkeypatch.setenv("STATION_NEW_PASSWORD", "first-manager")
    assert main(["users", "add", "ops", "--role", "operator"]) == 2
    assert "first account must be a manager" in capsys.readouterr().err
    assert main(["users", "add", "mia", "--role", "manager"]) == 0
    monkeypatch.setenv("STATION_PASSWORD", "first-manager")
    monkeypatch.setenv("STATION_NEW_PASSWORD", "reviewer-pw")
    assert main(["--user", "mia", "users", "add", "rex", "--role", "reviewer"]) == 0
    capsys.readouterr()

    # once accounts exist, inspecting needs a signed-in user
    assert main(["inspect", "--source", "synthetic", "--frames", "2"]) == 2
    assert "needs a signed-in" in capsys.readouterr().err

    # put something in the queue if the demo models decided everything themselves
    review_ids = [f["inspection"] for f in frames if f["verdict"] == "REVIEW"]
    if not review_ids:
        monkeypatch.setenv("STATION_PASSWORD", "first-manager")
        settings = data_dir / "station.toml"
        settings.write_text(settings.read_text().replace("conf_a = 0.5", "conf_a = 1.0"))
        assert main(["--user", "mia", "inspect", "--source", "synthetic", "--frames", "1", "--json"]) == 0
        review_ids = [json.loads(capsys.readouterr().out.splitlines()[0])["inspection"]]

    monkeypatch.setenv("STATION_PASSWORD", "wrong")  # records are shown to signed-in staff only, never on a guess
    assert main(["--user", "rex", "history"]) == 2
    assert "wrong user name or password" in capsys.readouterr().err
    assert main(["history"]) == 2
    assert "sign in" in capsys.readouterr().err
    monkeypatch.setenv("STATION_PASSWORD", "reviewer-pw")
    assert main(["--user", "rex", "review", "list", "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert queue["pending"] == len(review_ids)
    assert main(["--user", "rex", "review", "show", str(review_ids[0])]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == review_ids[0] and shown["image_file"].endswith(".png")

    monkeypatch.setenv("STATION_PASSWORD", "wrong")
    assert main(["--user", "rex", "review", "decide", str(review_ids[0]), "washer/good"]) == 2
    assert "wrong user name or password" in capsys.readouterr().err
    monkeypatch.setenv("STATION_PASSWORD", "reviewer-pw")
    assert main(["--user", "rex", "review", "decide", str(review_ids[0]), "washer/good", "--note", "ok"]) == 0
    assert "recorded as washer/good" in capsys.readouterr().out
    assert main(["--user", "rex", "review", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pending"] == len(review_ids) - 1

    monkeypatch.setenv("STATION_PASSWORD", "first-manager")
    assert main(["--user", "mia", "audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out


def test_bad_source_is_a_clear_error(data_dir, capsys):
    assert main(["inspect", "--source", "folder", str(data_dir / "nothing-here")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
