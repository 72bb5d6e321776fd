"""Every command the README shows, run as a person would: `station` in its own process, on a temporary data
folder, with small counts. The scenarios of the script itself (`--version`, `--help`, `gui`, and `demo` opening
its window) run the installed console script; the others run its `main` in a process forked from a server that
imported the station once (tests/station_process.py), which keeps the suite within its time.

Each scenario asserts what the person would check (exit status, the words on screen, what landed in
the database), and no scenario passes when a command prints a traceback. `test_every_command_is_smoke_tested`
fails when a command of the parser (and so of the README) has no scenario here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

import station_process
from station import __version__

REPO = Path(__file__).resolve().parent.parent
STATION = Path(sys.executable).with_name("station")  # the console script pip installed
PASSWORDS = {"mia": "manager-pass", "rex": "reviewer-pass", "otto": "operator-pass"}


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class CommandLine:
    data: Path
    work: Path
    ran: list[str] = field(default_factory=list)
    forked: object = None  # a forkserver context: run `main` forked; None: the installed script

    def run(self, *args: str, user: str | None = None, ok: bool = True, env: dict | None = None,
            data: Path | None = None, timeout: int = 300, status: int | None = None) -> Run:
        """`station ARGS`: exit 0 (`ok`), 2 with an "error: " message (not `ok`), or `status`."""
        argv = ["--data-dir", str(data or self.data)] + (["--user", user] if user else []) + list(args)
        full_env = {**os.environ, "STATION_PASSWORD": PASSWORDS.get(user, ""), **(env or {})}
        full_env.pop("STATION_DATA_DIR", None)
        if self.forked is None:
            done = subprocess.run([str(STATION)] + argv, capture_output=True, text=True, env=full_env,
                                  cwd=self.work, timeout=timeout)
            code, out, err = done.returncode, done.stdout, done.stderr
        else:
            n = len(self.ran)
            out_file, err_file = self.work / f".run{n}.out", self.work / f".run{n}.err"
            code = station_process.run(self.forked, argv, full_env, str(self.work), str(out_file), str(err_file),
                                       timeout)
            out, err = out_file.read_text(errors="replace"), err_file.read_text(errors="replace")
        self.ran.append(" ".join(args))
        shown = f"$ station {' '.join(args)}\n--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}"
        assert code is not None, f"ran past {timeout} s\n{shown}"
        assert "Traceback" not in out + err, shown
        if status is not None:
            assert code == status, shown
        elif ok:
            assert code == 0, shown
        else:
            assert code == 2 and err.startswith("error: "), shown
        return Run(code, out, err)

    def start(self, *args: str, user: str | None = None) -> tuple[object, Path, Path]:
        """`station ARGS` started and left running (forked): (process, stdout file, stderr file)."""
        assert self.forked is not None, "start() runs the station's main forked"
        argv = ["--data-dir", str(self.data)] + (["--user", user] if user else []) + list(args)
        env = {**os.environ, "STATION_PASSWORD": PASSWORDS.get(user, "")}
        env.pop("STATION_DATA_DIR", None)
        n = len(self.ran)
        out, err = self.work / f".run{n}.out", self.work / f".run{n}.err"
        process = self.forked.Process(target=station_process.station_main,
                                      args=(argv, env, str(self.work), str(out), str(err)), daemon=True)
        process.start()
        self.ran.append(" ".join(args))
        return process, out, err

    def db(self, sql: str, data: Path | None = None):
        import sqlite3

        with sqlite3.connect(data or self.data / "station.db") as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def cli_template(tmp_path_factory) -> Path:
    """A station with a manager, a reviewer and an operator, PASS/FAIL frames and a few waiting for review.

    Built once, in-process (building it is not what is under test), and copied for each scenario.
    """
    from station import config
    from station.auth import create_user
    from station.cli import main
    from station.records import open_records
    from station.storage.db import sqlite_url

    data = tmp_path_factory.mktemp("template") / "data"
    cfg = config.default_config("washer")
    data.mkdir(parents=True)
    config.save(cfg, data)
    db = open_records(sqlite_url(data))
    with db.transaction() as s:
        mia = create_user(s, "mia", "manager", PASSWORDS["mia"], None)
        create_user(s, "rex", "reviewer", PASSWORDS["rex"], mia)
        create_user(s, "otto", "operator", PASSWORDS["otto"], mia)
    db.close()
    old = os.environ.get("STATION_PASSWORD")
    os.environ["STATION_PASSWORD"] = PASSWORDS["otto"]
    try:
        cfg.thresholds.conf_a = 1.0  # nothing is sure enough: these frames wait for review
        config.save(cfg, data)
        assert main(["--data-dir", str(data), "--user", "otto", "inspect", "--source", "synthetic", "--frames", "3",
                     "--seed", "11"]) == 0
        cfg.thresholds.conf_a = 0.5
        config.save(cfg, data)
        assert main(["--data-dir", str(data), "--user", "otto", "inspect", "--source", "synthetic", "--frames", "3",
                     "--seed", "12"]) == 0
    finally:
        os.environ.pop("STATION_PASSWORD") if old is None else os.environ.update(STATION_PASSWORD=old)
    return data


@pytest.fixture
def command_line(cli_template, tmp_path) -> CommandLine:
    """`station` commands on a copy of a station with three accounts and six inspections (three to review)."""
    data = tmp_path / "data"
    shutil.copytree(cli_template, data)
    work = tmp_path / "work"
    work.mkdir()
    return CommandLine(data, work)


def write_frames(folder: Path, count: int, seed: int = 3) -> list[Path]:
    from station.synth.samples import draw_sample

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        s = draw_sample(seed, i, 256, defect_rate=0.3, family="washer")
        paths.append(folder / f"{i:03d}.png")
        cv2.imwrite(str(paths[-1]), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR))
    return paths


def write_video(path: Path, frames: list[Path]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (256, 256))
    assert writer.isOpened()
    for f in frames:
        writer.write(cv2.imread(str(f)))
    writer.release()
    return path


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# --- scenarios: each names the README commands it covers ---------------------------------------------------

def scenario_version_and_help(st: CommandLine):
    """--version, --help"""
    assert st.run("--version").out.strip() == f"station {__version__}"
    helped = st.run("--help").out
    for command in ("inspect", "review", "prompts", "selftest", "demo", "pack", "models", "capture"):
        assert command in helped


def scenario_demo_headless(st: CommandLine):
    """demo"""
    out = st.run("demo", "--no-gui", "--frames", "9", "--inspect", "3", "--seed", "5").out
    assert "CLIP zero-shot" in out and "3 frames from simulated camera" in out
    assert st.db("SELECT count(*) FROM inspection", st.data / "demo" / "station.db") == [(3,)]
    # the washer is a product: measured once, signed by the demo manager, live, named by every record
    assert re.search(r"washer v1: 0 of \d+ defects passed, .* signed by the demo manager, live", out), out
    assert st.db("SELECT p.name, p.live, count(i.id) FROM inspection i JOIN product p ON p.id = i.product_id",
                 st.data / "demo" / "station.db") == [("washer", 1, 3)]
    # with no display at all, the same command says so and still runs the station
    out = st.run("demo", "--frames", "0", "--inspect", "2", env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}).out
    assert "No display found" in out
    assert st.db("SELECT count(*) FROM inspection", st.data / "demo" / "station.db") == [(5,)]
    # inspected by the demo operator, whose account (one per role, as the window's) the headless demo made
    assert st.db("SELECT DISTINCT u.username FROM inspection i JOIN user u ON u.id = i.operator_id",
                 st.data / "demo" / "station.db") == [("operator",)]
    assert (st.data / "demo" / "station.toml").stat().st_mode & 0o777 == 0o600
    demo_window_opens(st.data)


def scenario_gui_without_display(st: CommandLine):
    """gui"""
    err = st.run("gui", ok=False, env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}).err
    assert "no display" in err


def scenario_inspect(st: CommandLine):
    """inspect"""
    before = st.db("SELECT count(*) FROM inspection")[0][0]
    st.run("inspect", "--source", "synthetic", "--frames", "2", ok=False)  # accounts exist: nobody signed in
    lines = json_lines(st.run("inspect", "--source", "synthetic", "--frames", "4", "--json", user="otto").out)
    assert len(lines) == 5 and lines[-1]["summary"]["frames"] == 4
    assert all(line["origin"].startswith("synthetic:") for line in lines[:-1])

    frames = write_frames(st.work / "folder", 3)
    (st.work / "folder" / "label.gif").write_bytes(b"GIF89a")
    run = st.run("inspect", "--source", "folder", str(st.work / "folder"), "--json", user="otto")
    lines = json_lines(run.out)
    assert [line["origin"] for line in lines[:-1]] == [str(f) for f in frames]
    assert "label.gif" in run.err and "not an image type the station reads" in run.err

    video = write_video(st.work / "line.avi", frames)
    lines = json_lines(st.run("inspect", "--source", "video", str(video), "--json", user="otto").out)
    assert lines[-1]["summary"]["frames"] == 3
    assert st.db("SELECT count(*) FROM inspection")[0][0] == before + 4 + 3 + 3
    assert st.db("SELECT count(*) FROM inspection WHERE operator_id IS NULL")[0][0] == 0


def scenario_forward(st: CommandLine):
    """forward, desk, plant upgrade, plant roles"""
    import tomllib

    import tomli_w

    assert "forwards to no plant" in st.run("forward", ok=False).err
    settings = tomllib.loads((st.data / "station.toml").read_text())
    settings["plant"] = {"station": "line-1", "database_url": f"sqlite:///{st.work / 'plant.db'}",
                         "objects": "plant-objects"}  # a folder, here inside the data folder
    (st.data / "station.toml").write_text(tomli_w.dumps(settings))
    assert "does not exist" in st.run("forward", ok=False).err  # a share not mounted: never filled locally
    (st.data / "plant-objects").mkdir()
    assert "the plant's tables are at p0003_plant_audit (were at None)" in st.run("plant", "upgrade").out
    assert "nothing to do" in st.run("plant", "upgrade").out
    roles = st.run("plant", "roles", "--station", "line-1", "--desk", "desk-1").out
    assert 'CREATE ROLE "line-1" LOGIN' in roles and "WITH CHECK (station = current_user)" in roles
    sent = json.loads(st.run("forward", "--json").out)
    assert sent == {"station": "line-1", "position": 6, "backlog": 0, "reviews_waiting": 0, "plant_frames": 6}
    assert st.run("forward").out.strip() == "the plant holds 6 frames of line-1; none waiting here"  # nothing twice
    rows = st.db("SELECT sequence, image_sha256 FROM plant_inspection ORDER BY sequence", st.work / "plant.db")
    assert [r[0] for r in rows] == [r[0] for r in st.db("SELECT id FROM inspection ORDER BY id")]
    assert all((st.data / "plant-objects" / sha[:2] / sha[2:4] / sha).is_file() for _, sha in rows)
    assert "line-1: trail intact" in st.run("audit", "verify", "--plant").out  # its audit trail went along too
    waiting = json.loads(st.run("desk", "--list", "--json").out)  # the plant's desk sees this station's queue
    review_ids = [r[0] for r in st.db("SELECT id FROM inspection WHERE verdict = 'REVIEW' ORDER BY id")]
    assert [(f["station"], f["sequence"]) for f in waiting["frames"]] == [("line-1", i) for i in review_ids]
    assert waiting["waiting"] == len(review_ids)
    no_display = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    assert "no display" in st.run("desk", ok=False, env=no_display).err
    served = st.run("serve", "--max-frames", "2", "--quiet", user="otto").out  # forwarding beside the line
    assert "forwarding to the plant as line-1 beside the line" in served and "2 frames" in served
    assert json.loads(st.run("forward", "--json").out)["plant_frames"] == 8  # what serve had not sent yet, now
    st.run("inspect", "--source", "synthetic", "--frames", "2", user="otto")
    settings["plant"]["objects"] = "http://127.0.0.1:9/frames"  # a store nobody answers at
    (st.data / "station.toml").write_text(tomli_w.dumps(settings))
    paused = st.run("forward", status=1)
    assert "paused" in paused.err and "2 waiting here" in paused.out


def scenario_history(st: CommandLine):
    """history"""
    shown = json.loads(st.run("history", "--json", "--limit", "4", user="mia").out)
    assert len(shown["inspections"]) == 4 and sum(shown["counts"].values()) == 6
    assert "totals:" in st.run("history", user="mia").out


def scenario_review(st: CommandLine):
    """review list, review show, review decide"""
    queue = json.loads(st.run("review", "list", "--json", user="mia").out)
    assert queue["pending"] >= 3
    first = queue["items"][0]["id"]
    shown = json.loads(st.run("review", "show", str(first), user="mia").out)
    assert shown["id"] == first and Path(shown["image_file"]).is_file()
    st.run("review", "decide", str(first), "washer/good", user="otto", ok=False)  # an operator may not decide
    assert "washer/good" in st.run("review", "decide", str(first), "washer/good", "--note", "ok", user="rex").out
    assert json.loads(st.run("review", "list", "--json", user="mia").out)["pending"] == queue["pending"] - 1
    assert st.db(f"SELECT label, note FROM review WHERE inspection_id = {first}") == [("washer/good", "ok")]


def scenario_users(st: CommandLine):
    """users add, users list"""
    st.run("users", "add", "newbie", "--role", "operator", user="otto", env={"STATION_NEW_PASSWORD": "x" * 10}, ok=False)
    st.run("users", "add", "newbie", "--role", "operator", user="mia", env={"STATION_NEW_PASSWORD": "newbie-pass"})
    listed = st.run("users", "list", user="mia").out
    assert re.search(r"newbie\s+operator\s+active", listed) and re.search(r"mia\s+manager", listed)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set_links(st: CommandLine, **links) -> None:
    import tomllib

    import tomli_w

    settings = tomllib.loads((st.data / "station.toml").read_text())
    settings["links"] = {**settings.get("links", {}), **links}
    (st.data / "station.toml").write_text(tomli_w.dumps(settings))


def _pressing_the_trigger(port: int, presses: int, done) -> None:
    """A PLC: connects to the station's Modbus link as soon as it listens and writes 1 to the trigger register."""
    import time

    from pymodbus.client import ModbusTcpClient

    while not done.is_set():
        client = ModbusTcpClient("127.0.0.1", port=port, timeout=10)
        if client.connect():
            try:
                for _ in range(presses):
                    assert not client.write_register(0, 1).isError()
                return
            finally:
                client.close()
        time.sleep(0.1)


def scenario_serve(st: CommandLine):
    """serve"""
    import socket
    import threading

    st.run("serve", "--max-frames", "1", ok=False)  # accounts exist: nobody signed in
    out = st.run("serve", "--max-frames", "2", user="otto").out
    assert "no PLC link is enabled" in out and "2 frames" in out and "--max-frames reached" in out
    assert len(re.findall(r"^#\d+ +(PASS|FAIL|REVIEW) ", out, re.M)) == 2

    # hardware-trigger mode with the Modbus link: a PLC presses twice, two parts are inspected
    port = _free_port()
    _set_links(st, modbus_enabled=True, modbus_host="127.0.0.1", modbus_port=port, hardware_trigger=True)
    before = st.db("SELECT count(*) FROM inspection")[0][0]
    done = threading.Event()
    plc = threading.Thread(target=_pressing_the_trigger, args=(port, 2, done), daemon=True)
    plc.start()
    try:
        run = st.run("serve", "--max-frames", "2", "--quiet", user="otto", timeout=120)
    finally:
        done.set()
        plc.join(30)
    assert f"link modbus: listening (modbus tcp 127.0.0.1:{port})" in run.out and "waiting for PLC triggers" in run.out
    assert "link modbus: off" in run.out and "2 frames" in run.out
    assert st.db("SELECT count(*) FROM inspection")[0][0] == before + 2

    # with no trigger it waits; SIGTERM (a service manager's stop) ends it cleanly and frees the port
    process, out_file, err_file = st.start("serve", user="otto")

    def printed() -> str:
        return out_file.read_text() if out_file.exists() else ""

    from plc import wait_until

    wait_until(lambda: "serving:" in printed() or not process.is_alive(), "serve to start", guard_s=120)
    assert process.is_alive(), err_file.read_text() if err_file.exists() else ""
    process.terminate()  # SIGTERM
    process.join(60)
    out, err = printed(), err_file.read_text()
    assert process.exitcode == 0 and "Traceback" not in out + err, out + err
    assert "0 frames" in out and "stopped by a signal" in out and "link modbus: off" in out
    with socket.create_server(("127.0.0.1", port)):  # the port is free again
        pass


def scenario_failsafe(st: CommandLine):
    """failsafe status, failsafe reset"""
    assert st.run("failsafe", "status", user="mia").out.startswith("normal")
    st.run("failsafe", "reset", user="otto", ok=False)
    assert "fail-safe reset by mia" in st.run("failsafe", "reset", user="mia").out


def scenario_audit(st: CommandLine):
    """audit verify, db upgrade"""
    assert "current" in st.run("db", "upgrade").out
    assert "audit trail intact" in st.run("audit", "verify").out  # read-only: whoever can read the data folder


def scenario_prompts(st: CommandLine):
    """prompts tune, prompts list, prompts show, prompts activate, prompts rollback, prompts export, prompts import"""
    from station.catalog import ALL_CLASSES, CLASS_INDEX
    from station.synth.samples import draw_sample

    shots = st.work / "shots"
    for c in ALL_CLASSES:  # two labelled frames per washer class, as FOLDER/<class>/*.png
        if c.family.key != "washer":
            continue
        (shots / c.key.replace("/", "_")).mkdir(parents=True)
        for i in range(2):
            s = draw_sample(100, i, 256, class_index=CLASS_INDEX[c.key])
            cv2.imwrite(str(shots / c.key.replace("/", "_") / f"{i}.png"), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR))
    out = st.run("prompts", "tune", "--folder", str(shots), "--shots", "2", "--epochs", "1", "--tokens", "2",
                 "--depth", "5", "--name", "smoke", "--quiet", user="mia").out
    assert "smoke" in out
    listed = json.loads(st.run("prompts", "list", "--json", user="mia").out)
    assert [p["name"] for p in listed] == ["smoke"] and not listed[0]["active"]
    pid = listed[0]["id"]
    shown = json.loads(st.run("prompts", "show", str(pid), user="mia").out)
    assert shown["b"] == 2 and shown["D"] == 5
    st.run("prompts", "activate", str(pid), user="otto", ok=False)
    assert "active prompt set: smoke" in st.run("prompts", "activate", str(pid), user="mia").out
    assert "no prompt set is active" in st.run("prompts", "rollback", user="mia").out
    exported = st.work / "smoke.safetensors"
    st.run("prompts", "export", str(pid), str(exported), user="mia")
    assert exported.stat().st_size > 0
    assert "imported as copy" in st.run("prompts", "import", str(exported), "--name", "copy", user="mia").out
    assert len(json.loads(st.run("prompts", "list", "--json", user="mia").out)) == 2
    chosen = st.run("prompts", "tune", "--folder", str(shots), "--shots", "2", "--epochs", "1", "--choose",
                    "--name", "chosen", "--quiet", user="mia")
    assert "chosen on held-out shots: D=" in chosen.out and "held-out accuracy" in chosen.out
    assert chosen.err.count("held-out accuracy") >= 2  # every recipe of the grid was tried and reported


def scenario_selftests(st: CommandLine):
    """selftest prm, selftest backdoor, selftest history, selftest report"""
    st.run("selftest", "prm", "--images", "2", "--iters", "2", user="otto", ok=False)
    prm = json.loads(st.run("selftest", "prm", "--images", "2", "--iters", "2", "--batch", "2", "--json", "--quiet",
                            user="mia").out)
    assert prm["status"] == "done" and prm["summary"]["by_eps"]
    probe = json.loads(st.run("selftest", "backdoor", "--images", "4", "--inversion-steps", "20", "--json", "--quiet",
                              user="mia").out)
    assert probe["status"] == "done"
    history = json.loads(st.run("selftest", "history", "--json", user="mia").out)
    assert {r["run"] for r in history} == {prm["run"], probe["run"]}
    assert "attack ineffective" in st.run("selftest", "history", user="mia").out.lower()  # 2 steps do not bite
    report = st.work / "report.html"
    st.run("selftest", "report", str(prm["run"]), "--out", str(report), user="mia")
    assert "<html" in report.read_text().lower() and "Schedule" in report.read_text()


def scenario_selftest_due(st: CommandLine):
    """selftest due"""
    import tomllib

    import tomli_w

    settings = tomllib.loads((st.data / "station.toml").read_text())
    settings["schedule"] = {"prm_every_days": 0, "backdoor_every_days": 0.00001}  # due a second after the start
    (st.data / "station.toml").write_text(tomli_w.dumps(settings))
    listed = json.loads(st.run("selftest", "due", "--json").out)
    assert listed["due"] == ["backdoor"] and listed["ran"] == {}
    assert "backdoor probe: due since" in st.run("selftest", "due").out
    st.run("selftest", "due", "--run", ok=False)  # running needs a manager, or --unattended by name
    assert "at least 2" in st.run("selftest", "due", "--run", "--unattended", "--images", "1", ok=False).err
    ran = json.loads(st.run("selftest", "due", "--run", "--unattended", "--images", "2", "--json").out)["ran"]  # the nightly timer
    assert set(ran) == {"backdoor"}
    assert st.db(f"SELECT status, started_by FROM selftest_run WHERE id = {ran['backdoor']}") == [("done", None)]
    assert st.db(f"SELECT count(*) FROM selftest_result WHERE run_id = {ran['backdoor']}")[0][0] > 0
    assert st.db("SELECT count(*) FROM audit_event WHERE actor = 'scheduler'") == [(2,)]  # start and finish
    settings["schedule"]["backdoor_every_days"] = 1
    (st.data / "station.toml").write_text(tomli_w.dumps(settings))
    assert "backdoor probe: next due" in st.run("selftest", "due").out  # the unattended run kept the schedule


def scenario_gate(st: CommandLine):
    """gate build, gate show"""
    shown = json.loads(st.run("gate", "show", "--json", user="mia").out)
    assert shown["settings"]["enabled"] is True and [b["version"] for b in shown["banks"] if b["active"]] == [1]
    st.run("gate", "build", "--generated", "30", "--heldout", "30", user="otto", ok=False)  # a manager's act
    out = st.run("gate", "build", "--generated", "30", "--heldout", "30", "--quiet", user="mia").out
    assert "reference bank v2" in out and "active now" in out
    assert "* v2" in st.run("gate", "show", user="mia").out
    blank = st.work / "blank"
    blank.mkdir()
    cv2.imwrite(str(blank / "empty.png"), np.full((256, 256, 3), 128, np.uint8))
    line = json_lines(st.run("inspect", "--source", "folder", str(blank), "--json", user="otto").out)[0]
    assert line["verdict"] == "REVIEW" and "no part / unfamiliar frame" in line["reason"]
    # from photos of the station's parts alone (DIR/<class>/* or DIR/*); a file that is no picture is named
    write_frames(st.work / "parts" / "good", 48, seed=21)
    (st.work / "parts" / "good" / "note.txt").write_text("shift 2")
    built = st.run("gate", "build", "--folder", str(st.work / "parts"), "--generated", "0", "--no-reviews", user="mia")
    assert "reference bank v3: 28 frames" in built.out  # 20 of the 48 calibrate it
    assert "note.txt" in built.out + built.err
    sources = json.loads(st.db("SELECT sources FROM reference_bank WHERE version = 3")[0][0])
    assert sources["photos"]["count"] == 48 and "generated" not in sources


def scenario_synth(st: CommandLine):
    """synth sheet, synth frames"""
    st.run("synth", "sheet", "--out", str(st.work / "sheet.png"), "--per-class", "1")
    assert cv2.imread(str(st.work / "sheet.png")) is not None
    st.run("synth", "sheet", "--out", str(st.work / "all.png"), "--per-class", "1", "--size", "32", "--all-families")
    from station.catalog import DRAWN_FAMILIES

    assert cv2.imread(str(st.work / "all.png")).shape[0] == 32 * sum(len(f.conditions) for f in DRAWN_FAMILIES)
    st.run("synth", "frames", str(st.work / "frames"), "--count", "3")
    assert len(list((st.work / "frames").glob("*.png"))) == 3
    # photos of a part no demo model saw, as the labelled folder a product is onboarded from
    st.run("synth", "frames", str(st.work / "bracket"), "--family", "bracket", "--by-class", "--count", "12",
           "--defect-rate", "0.5", "--size", "64")
    folders = {p.name: len(list(p.glob("*.png"))) for p in (st.work / "bracket").iterdir()}
    assert sum(folders.values()) == 12 and "good" in folders
    assert set(folders) <= {"good", "scratch", "crack", "stain", "missing_hole"}
    refused = st.run("synth", "frames", str(st.work / "none"), "--family", "brackt", ok=False).err
    assert "unknown part family 'brackt'" in refused and "bracket" in refused and not (st.work / "none").exists()


def scenario_capture(st: CommandLine):
    """capture check"""
    frames = write_frames(st.work / "folder", 2)
    assert "2 frames" in st.run("capture", "check", "folder", str(st.work / "folder"), "--quiet").out
    assert "3 frames" in st.run("capture", "check", "synthetic", "--frames", "3", "--quiet").out
    video = write_video(st.work / "line.avi", frames)
    assert "2 frames" in st.run("capture", "check", "video", str(video), "--quiet").out
    st.run("capture", "check", "folder", str(st.work / "absent"), ok=False)


def scenario_models(st: CommandLine):
    """models verify, models check, models import, models train-probe"""
    import torch
    from safetensors.torch import save_file

    import open_clip
    from station.paths import demo_models_dir

    clip = demo_models_dir() / "clip"
    assert "open_clip_model.safetensors" in st.run("models", "verify", str(clip)).out
    assert "64" in st.run("models", "check", str(clip)).out
    torch.manual_seed(0)
    model = open_clip.create_model("ViT-S-32-alt")  # the smallest registered architecture
    checkpoint = st.work / "supplier.safetensors"
    save_file({k: v.half().contiguous() for k, v in model.state_dict().items()}, str(checkpoint))
    out = st.run("models", "import", str(checkpoint), "--arch", "ViT-S-32-alt", user="mia").out
    assert "imported ViT-S-32-alt" in out
    assert len(list((st.data / "models").glob("ViT-S-32-alt-*/supplier.safetensors"))) == 1
    probe = st.work / "probe.safetensors"
    st.run("models", "train-probe", "--out", str(probe), "--generated", "60", user="mia")
    assert probe.is_file() and probe.with_suffix(".json").is_file()


def scenario_pack(st: CommandLine):
    """pack keygen, pack export, pack show, pack import, keys trust, keys list, keys remove"""
    key = st.work / "plant.key"
    fp = re.search(r"fingerprint: ([0-9a-f]{64})", st.run("pack", "keygen", "--out", str(key)).out).group(1)
    assert (key.stat().st_mode & 0o777) == 0o600 and key.with_suffix(".pub").is_file()
    pack = st.work / "line3.pack"
    st.run("pack", "export", str(pack), "--sign-key", str(key), user="mia")
    other = st.work / "other-station"
    st.run("users", "add", "mia", "--role", "manager", data=other, env={"STATION_NEW_PASSWORD": PASSWORDS["mia"]})
    refused = st.run("pack", "import", str(pack), "--yes", user="mia", data=other, ok=False).err
    assert fp in refused and "station keys trust" in refused  # nobody trusted yet: the fix is named
    st.run("keys", "trust", str(key.with_suffix(".pub")), "--name", "Plant A", user="mia", data=other)
    assert fp in st.run("keys", "list", data=other, user="mia").out
    shown = st.run("pack", "show", str(pack), data=other).out
    assert f"Plant A (key {fp})" in shown and "settings it would change" in shown
    assert "imported" in st.run("pack", "import", str(pack), "--yes", user="mia", data=other).out
    assert (other / "station.toml").read_text().count("[[classes]]") == (st.data / "station.toml").read_text().count("[[classes]]")
    st.run("keys", "remove", fp[:16], user="mia", data=other)
    assert "was removed" in st.run("pack", "import", str(pack), "--yes", user="mia", data=other, ok=False).err
    assert [a for (a,) in st.db("SELECT action FROM audit_event WHERE action LIKE 'keys.%' OR action LIKE 'pack.%' "
                               "ORDER BY id", other / "station.db")] == [
        "pack.import.refused", "keys.trust", "pack.import", "keys.remove", "pack.import.refused"]


def scenario_demo_train(st: CommandLine):
    """demo-train"""  # and demo-train --wide, --check-b-start
    from station.models.clip_store import load_clip_folder
    from station.models.cnn_store import load_cnn_folder
    from station.catalog import FAMILIES

    out = st.work / "demo-models"
    run = st.run("demo-train", "--quick", "--pool-size", "256", "--heldout-size", "48", "--out", str(out), "--json")
    manifest = json.loads(run.out)
    said = {word.rstrip(":") for line in run.err.splitlines() if line.startswith("  ") for word in line.split()}
    assert {"render", "clip", "cnn"} <= said  # each part of the training shows its progress
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert manifest["recipe"]["heldout_size"] == 48  # measured on as many frames as asked
    for part in ("", "clip", "cnn"):  # every file the manifests name, with its sha256
        st.run("models", "verify", str(out / part))
    assert load_clip_folder(out / "clip").image_size == 64
    assert len(load_cnn_folder(out / "cnn").class_keys) == 15
    for size in ("model_size", "camera_size"):
        assert set(manifest["heldout_metrics"][size]["clip_zero_shot"]) >= {f.key for f in FAMILIES}
    # the wider foundation model's recipe (here tiny): every family but the unseen ones, measured on those too
    wide = st.run("demo-train", "--quick", "--wide", "--image-size", "32", "--patch-size", "8", "--pool-size", "128",
                  "--heldout-size", "48", "--out", str(st.work / "wide"), "--quiet")
    assert "connector" in wide.out and "mounting bracket" in wide.out and "spur gear" in wide.out
    assert len(load_cnn_folder(st.work / "wide" / "cnn").class_keys) > 40
    # the start of every product's check B: one CNN (no CLIP) on the same families, measured on each
    start = json.loads(st.run("demo-train", "--check-b-start", "--quick", "--image-size", "32", "--pool-size", "128",
                              "--heldout-size", "48", "--out", str(st.work / "start"), "--json").out)
    assert sorted(p.name for p in (st.work / "start").iterdir()) == ["config.json", "manifest.json", "model.safetensors"]
    assert not {"bracket", "connector"} & set(start["recipe"]["families"])  # the parts kept back stay unseen
    assert set(start["heldout_metrics"]["camera_size"]["cnn"]) > {"gear", "washer"}
    st.run("models", "verify", str(st.work / "start"))
    assert "leave out --wide" in st.run("demo-train", "--check-b-start", "--wide", "--out", str(st.work / "x"), ok=False).err
    # what would replace a bundled folder, or a folder of something else, is refused before any work
    for args in (("--quick",), ("--check-b-start", "--quick"), ("--wide",), ("--pool-size", "64")):
        assert "name a folder with --out" in st.run("demo-train", *args, ok=False).err
    (st.work / "photos").mkdir()
    (st.work / "photos" / "part.png").write_bytes(b"not models")
    refused = st.run("demo-train", "--check-b-start", "--quick", "--out", str(st.work / "photos"), ok=False).err
    assert "not models a training run wrote" in refused and (st.work / "photos" / "part.png").exists()


def scenario_demo_backdoor(st: CommandLine):
    """demo-backdoor"""
    from station.paths import demo_models_dir

    out = st.work / "backdoored"
    printed = st.run("demo-backdoor", "--models", str(demo_models_dir()), "--out", str(out), "--pool-size", "256",
                     "--steps", "2", "--held-out", "60").out
    assert "never deploy it" in printed and "attack success" in printed
    assert "open_clip_model.safetensors" in st.run("models", "verify", str(out / "clip")).out


def scenario_products(st: CommandLine):
    """product check, product new, product list, product show, product accept, product use, product recipe,
    rollout publish, rollout list, rollout install"""
    from product_photos import write_product_photos

    photos = write_product_photos(st.work / "photos", {"good": 32, "scratch": 10, "crack": 10, "chipped": 3})
    (photos / "good" / "broken.png").write_bytes(b"not a picture")
    checked = st.run("product", "check", str(photos), "--good", "good", "--quiet").out
    assert "55 usable" in checked and "broken.png" in checked and "too few to learn" in checked
    assert "no photos of the good class" in st.run("product", "check", str(photos), "--good", "ok", "--quiet",
                                                   ok=False).err
    st.run("product", "new", "nut", "--from", str(photos), "--good", "good", user="rex", ok=False)  # a manager's act
    (st.work / "names.toml").write_text('[scratch]\nname = "scratched face"\nname_ja = "傷"\n', encoding="utf-8")
    (st.work / "bad-names.toml").write_text('[scrach]\nname = "typo"\n', encoding="utf-8")
    assert "not class folders" in st.run("product", "new", "nut", "--from", str(photos), "--good", "good",
                                         "--class-names", str(st.work / "bad-names.toml"), "--quiet", user="mia",
                                         ok=False).err
    made = json.loads(st.run("product", "new", "nut", "--from", str(photos), "--good", "good", "--no-prompts",
                             "--epochs", "3", "--class-names", str(st.work / "names.toml"), "--json", "--quiet",
                             user="mia").out)
    assert made["version"] == 1 and not made["live"] and not made["accepted"]
    assert st.db("SELECT action FROM audit_event WHERE action LIKE 'product.%'") == [("product.created",)]
    listed = json.loads(st.run("product", "list", "--json", user="mia").out)
    assert [(p["name"], p["version"]) for p in listed] == [("nut", 1)]
    shown = json.loads(st.run("product", "show", "nut", "--json", user="mia").out)
    assert {c["key"]: c["name_ja"] for c in shown["spec"]["classes"]}["scratch"] == "傷"
    a = shown["acceptance"]
    assert {"escape_rate_upper_95", "review_share", "gallery", "not_measured"} <= set(a)
    assert a["photos"] == sum(shown["spec"]["details"]["split"]["held_out"].values())
    assert Path(shown["report"]).is_file()
    assert "escapes" in st.run("product", "show", "nut", user="mia").out
    assert "no signed acceptance" in st.run("product", "use", "nut", user="mia", ok=False).err
    # more parts to review than the fail-safe allows (0.6 by default): said at each step before going live
    assert bool(shown["warnings"]) == (a["review_share"] > 0.6)
    accepted = st.run("product", "accept", "nut", user="mia").out
    assert "signed by mia" in accepted and ("go to manual mode" in accepted) == bool(shown["warnings"])
    used = st.run("product", "use", "nut", user="mia").out
    assert "live product" in used and ("go to manual mode" in used) == bool(shown["warnings"])
    assert "still in manual mode" not in used  # the fail-safe has not tripped here
    assert "--none" in st.run("product", "use", user="mia", ok=False).err  # which one?
    assert "holding register 8" in st.run("product", "recipe", "nut", "3", user="mia").out
    assert re.search(r"nut v1 +LIVE, signed by mia +recipe 3", st.run("product", "list", user="mia").out)
    assert "--none" in st.run("product", "recipe", "nut", user="mia", ok=False).err
    assert st.db("SELECT actor FROM audit_event WHERE action = 'product.recipe'") == [("mia",)]
    judged = json_lines(st.run("inspect", "--source", "folder", str(photos), "--frames", "4", "--json",
                               user="otto").out)  # DIR/<class>/* too
    assert [line["product"] for line in judged[:-1]] == ["nut v1"] * 4  # each line names the version judging it
    attacked = json.loads(st.run("selftest", "prm", "--reference", "product", "--images", "3", "--iters", "2",
                                 "--batch", "3", "--json", "--quiet", user="mia").out)  # its held-out photos
    assert st.db(f"SELECT count(*) FROM selftest_result WHERE run_id = {attacked['run']}") == [(3,)]
    assert st.db("SELECT count(*) FROM inspection WHERE product_id = 1") == [(4,)]
    assert "chipped" in st.db("SELECT origin FROM inspection WHERE product_id = 1 ORDER BY id LIMIT 1")[0][0]
    rollout(st)


def rollout(st: CommandLine) -> None:
    """The signed product "nut" offered through the plant, and installed at another station."""
    import tomli_w
    import tomllib

    key = st.work / "rollout.key"
    st.run("pack", "keygen", "--out", str(key))
    pack = st.work / "nut.pack"
    st.run("pack", "export", str(pack), "--sign-key", str(key), user="mia")
    (st.work / "plant-store").mkdir()
    wiring = {"database_url": f"sqlite:///{st.work / 'rollout-plant.db'}", "objects": str(st.work / "plant-store")}
    other = st.work / "line-9"
    st.run("users", "add", "mia", "--role", "manager", data=other, env={"STATION_NEW_PASSWORD": PASSWORDS["mia"]})
    for data, name in ((st.data, "line-1"), (other, "line-9")):
        st.run("keys", "trust", str(key.with_suffix(".pub")), "--name", "Plant A", user="mia", data=data)
        settings = tomllib.loads((data / "station.toml").read_text())
        settings["plant"] = {"station": name, **wiring}
        (data / "station.toml").write_text(tomli_w.dumps(settings))
    assert "offered to the plant's stations" in st.run("rollout", "publish", str(pack), user="mia").out
    [offer] = json.loads(st.run("rollout", "list", "--json", data=other).out)
    assert [p["name"] for p in offer["products"]] == ["nut"] and offer["trusted"] and not offer["here"]
    assert "installed from the plant" in st.run("rollout", "install", "nut", "--yes", user="mia", data=other).out
    assert "here already" in st.run("rollout", "list", data=other).out


SCENARIOS = [scenario_version_and_help, scenario_demo_headless, scenario_gui_without_display, scenario_inspect,
             scenario_serve, scenario_forward, scenario_history, scenario_review, scenario_users, scenario_failsafe, scenario_audit, scenario_prompts,
             scenario_selftests, scenario_selftest_due, scenario_gate, scenario_synth, scenario_capture, scenario_models, scenario_pack, scenario_demo_train,
             scenario_demo_backdoor, scenario_products]


# the scenarios of the installed script; `demo` runs it too, for the window (demo_window_opens)
SCRIPT_SCENARIOS = {scenario_version_and_help, scenario_gui_without_display}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.removeprefix("scenario_"))
def test_readme_command(scenario, command_line, station_server):
    assert STATION.is_file(), f"the station entry point is not installed at {STATION} (pip install -e .)"
    if scenario not in SCRIPT_SCENARIOS:
        command_line.forked = station_server
    scenario(command_line)


def covered_commands() -> set[str]:
    return {c.strip() for f in SCENARIOS for c in f.__doc__.split(",")}


def parser_commands() -> set[str]:
    """Every command and action the `station` parser offers, e.g. 'prompts tune'."""
    import argparse

    from station.cli.parser import build_parser

    def actions(p: argparse.ArgumentParser):
        return next((a for a in p._actions if isinstance(a, argparse._SubParsersAction)), None)

    found = {"--version", "--help"}
    for name, sub in actions(build_parser()).choices.items():
        nested = actions(sub)
        found |= {f"{name} {action}" for action in nested.choices} if nested else {name}
    return found


def test_every_command_is_smoke_tested():
    missing = parser_commands() - covered_commands()
    assert not missing, f"commands without a smoke test in {Path(__file__).name}: {sorted(missing)}"


def test_readme_shows_only_commands_that_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    known = parser_commands()
    groups = {c.split()[0] for c in known}
    shown = re.findall(r"station (?:--[a-z-]+ \S+ )*([a-z][a-z-]+)(?: ([a-z][a-z-]+))?", readme)
    assert shown
    for command, action in shown:
        if command not in groups:
            continue  # prose such as "station window"
        assert command in known or f"{command} {action}" in known or not action, (command, action)


def demo_window_opens(data: Path) -> None:
    """`make demo` with a display: the window opens on the demo station, with its accounts and paced camera.

    Run on the folder the headless demo made: what the two share (settings, accounts, the washer product) is
    set up once, and a second start must find it as the first left it."""
    import signal
    import time
    import tomllib

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # a display Qt can always open
    env.pop("STATION_DATA_DIR", None)
    proc = subprocess.Popen([str(STATION), "--data-dir", str(data), "demo", "--frames", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "The station window is open" in line:
                break
        assert any("The station window is open" in line for line in lines), "".join(lines)
        assert proc.poll() is None, "".join(lines)  # the window is up and waiting for a person
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # a service manager stopping the station: the window closes as Quit does
        try:
            lines.append(proc.communicate(timeout=60)[0])
        except subprocess.TimeoutExpired:  # no process left behind to hold a core for the rest of the suite
            os.killpg(proc.pid, signal.SIGKILL)
            lines.append(proc.communicate()[0] + "\n(still running 60 s after SIGTERM: killed)")
    text = "".join(lines)
    assert "Traceback" not in text and "Demo accounts: operator, reviewer, manager" in text
    assert proc.returncode == 0 and "could not start" not in text, text
    assert "Recording the demo washer" not in text  # measured once, on the first start
    demo = data / "demo"
    import sqlite3

    with sqlite3.connect(demo / "station.db") as con:
        roles = dict(con.execute("SELECT username, role FROM user").fetchall())
        assert con.execute("SELECT name, version FROM product").fetchall() == [("washer", 1)]
    assert roles == {"manager": "manager", "reviewer": "reviewer", "operator": "operator"}
    settings = tomllib.loads((demo / "station.toml").read_text())
    assert settings["source"]["kind"] == "synthetic" and settings["source"]["fps"] == 6.0
