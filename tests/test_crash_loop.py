"""kill -9 in a loop: `station inspect` is killed at varied moments (while it records frames, while an
image is staged, while one is half written, during start-up), a second writer meets the data-folder lock,
a reader works meanwhile, and after one ordinary start (start-up recovery) every inspection row has its
image and every image its row.

The killed processes are `station.cli.main` (what the `station` script runs) in processes forked from a
server that imported the station once: each start then costs a second instead of a fresh interpreter
importing torch (five seconds, or fifteen on a busy machine). The audit check at the end runs the installed
`station` script.
The moments vary from run to run; the seed is printed and CRASH_LOOP_SEED=... repeats a run
(CRASH_LOOP_KILLS=... changes how many kills, 6 by default).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from station_process import station_main  # `station ARGS` in a child of the preloaded server

STATION = Path(sys.executable).with_name("station")  # the console script pip installed
PASSWORDS = {"mia": "manager-pass", "otto": "operator-pass"}
BUSY = "another station process is using the data folder"
WAIT_S = 180  # for one process to reach a state, on a machine busy with other work


class Station:
    """`station ARGS` in its own process, stdout lines collected as they come; forked from the preloaded
    server (`forked`) or the installed script in a fresh interpreter."""

    def __init__(self, data: Path, work: Path, args: list[str], user: str | None = None, tag: str = "p",
                 forked=None):
        env = {"STATION_DATA_DIR": str(data), "STATION_PASSWORD": PASSWORDS.get(user, ""), "OMP_NUM_THREADS": "1"}
        args = (["--user", user] if user else []) + args
        self.args, self.lines = args, []
        self.out_path, self.err_path = work / f"{tag}.stdout", work / f"{tag}.stderr"
        if forked is not None:
            self.popen = None
            self.process = forked.Process(target=station_main, args=(args, {**os.environ, **env}, str(work),
                                                                      str(self.out_path), str(self.err_path)),
                                          daemon=True)
            self.process.start()
            self._reader = None
        else:
            self.process = None
            with open(self.err_path, "w") as err:
                self.popen = subprocess.Popen([str(STATION)] + args, env={**os.environ, **env}, cwd=work,
                                              stdout=subprocess.PIPE, stderr=err, text=True)
            self._reader = threading.Thread(target=self._read, daemon=True)
            self._reader.start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else self.popen.pid

    def running(self) -> bool:
        return self.process.is_alive() if self.process else self.popen.poll() is None

    def stdout(self) -> str:
        if self.process:
            try:
                return self.out_path.read_text()
            except FileNotFoundError:
                return ""
        return "".join(self.lines)

    def inspections(self) -> list[dict]:
        text = self.stdout()
        complete = text[: text.rfind("\n") + 1]
        return [json.loads(x) for x in complete.splitlines() if x.startswith('{"inspection"')]

    def stderr(self) -> str:
        try:
            return self.err_path.read_text()
        except FileNotFoundError:
            return ""

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def finish(self, timeout: float = WAIT_S) -> int:
        if self.process:
            self.process.join(timeout)
            return self.process.exitcode
        code = self.popen.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def show(self) -> str:
        code = self.process.exitcode if self.process else self.popen.returncode
        return f"$ station {' '.join(self.args)} (exit {code})\n--- stdout\n{self.stdout()[-2000:]}\n" \
               f"--- stderr\n{self.stderr()[-3000:]}"


def run(data: Path, work: Path, args: list[str], user: str | None = None, forked=None) -> tuple[int, str, str]:
    """`station ARGS` to its end (the installed script, or forked from the preloaded server)."""
    p = Station(data, work, args, user, tag="run", forked=forked)
    code = p.finish()
    return code, p.stdout(), p.stderr()


def wait_until(condition, what: str, timeout: float = WAIT_S, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def lock_holder(data: Path) -> int | None:
    try:
        return json.loads((data / "station.lock").read_text() or "{}").get("pid")
    except (OSError, ValueError):
        return None


def db_rows(data: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data / "station.db", timeout=30) as con:
        return con.execute(sql).fetchall()


def recorded_images(data: Path) -> dict[str, str | None]:
    """relative image path -> sha256 (None where the row keeps none), for every row that names an image."""
    found = {p: sha for p, sha in db_rows(data, "SELECT image_path, image_sha256 FROM inspection")}
    for path, details in db_rows(data, "SELECT image_path, details FROM selftest_result"):
        if path:
            found.setdefault(path, None)
        clean = json.loads(details or "{}").get("clean_image") if details else None
        if clean:
            found.setdefault(clean, None)
    return found


def image_store_state(data: Path) -> dict:
    images = data / "images"
    pending = images / "pending"
    recorded = recorded_images(data)
    names = {Path(p).name: p for p in recorded}
    published = {str(p.relative_to(images)) for p in images.rglob("*") if p.is_file() and pending not in p.parents}
    staged = [p.name for p in pending.iterdir()] if pending.is_dir() else []
    return {
        "rows": len(recorded),
        "published": len(published),
        # a kill between the row's commit and the move out of pending/: recovery publishes these
        "pending_with_row": sorted(n for n in staged if n in names),
        # a kill before the commit (or while the file was written): recovery deletes these
        "pending_without_row": sorted(n for n in staged if n not in names and not n.startswith(".")),
        "partial_writes": sorted(n for n in staged if n.startswith(".")),
        "rows_without_file": sorted(p for p in recorded if p not in published and Path(p).name not in staged),
        "files_without_row": sorted(published - set(recorded)),
        "recorded": recorded,
        "published_paths": published,
    }


@pytest.fixture
def crash_station(tmp_path) -> tuple[Path, Path]:
    """A data folder with a manager and an operator, as the README scenarios prepare it."""
    from station import config
    from station.auth import create_user
    from station.records import open_records
    from station.storage.db import sqlite_url

    data, work = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    work.mkdir()
    config.save(config.default_config("washer"), data)
    db = open_records(sqlite_url(data))
    with db.transaction() as s:
        mia = create_user(s, "mia", "manager", PASSWORDS["mia"], None)
        create_user(s, "otto", "operator", PASSWORDS["otto"], mia)
    db.close()
    return data, work


def staged_files(data: Path, partial: bool) -> bool:
    """Whether pending/ holds a staged image (or, with `partial`, one still being written)."""
    try:
        with os.scandir(data / "images" / "pending") as entries:
            return any(e.name.startswith(".") == partial for e in entries)
    except FileNotFoundError:
        return False


@pytest.fixture
def forked(station_server):
    """Processes forked from the server that has imported the station (torch, open_clip) once."""
    return station_server


@pytest.mark.slow
def test_kill_9_loop_leaves_no_row_without_image_and_no_image_without_row(crash_station, forked):
    assert STATION.is_file(), f"the station entry point is not installed at {STATION} (pip install -e .)"
    data, work = crash_station
    seed = int(os.environ.get("CRASH_LOOP_SEED") or random.randrange(2**31))
    kills = int(os.environ.get("CRASH_LOOP_KILLS") or 6)
    rng = random.Random(seed)
    # what each kill interrupts: recording frames (a random moment after k frames, once with a second writer
    # started beside it and once with a reader running), a staged image (between writing it and publishing it:
    # before or after its row's commit), an image file half written, start-up (just after the lock: recovery of
    # the previous kill's files, loading the models)
    kinds = ["frames+contender", "staged", "partial", "startup", "staged+reader", "frames+reader"]
    kinds = (kinds * (kills // len(kinds) + 1))[:kills]
    rng.shuffle(kinds)
    print(f"\ncrash loop: seed {seed} (CRASH_LOOP_SEED={seed} repeats it), kills: {', '.join(kinds)}")
    printed: set[int] = set()  # inspections a killed process reported as recorded
    left_behind = []
    started = time.monotonic()
    live: list[Station] = []
    try:
        for cycle, kind in enumerate(kinds):
            cycle_started = time.monotonic()
            committed_before = db_rows(data, "SELECT count(*) FROM inspection")[0][0]
            inspect = ["inspect", "--source", "synthetic", "--frames", "100000", "--json"]
            procs = [Station(data, work, inspect + ["--seed", str(cycle * 10 + i)], "otto", tag=f"c{cycle}-{i}",
                             forked=forked) for i in range(2 if "contender" in kind else 1)]
            live += procs
            if kind == "startup":
                writer = procs[0]
                wait_until(lambda w=writer: lock_holder(data) == w.pid or not w.running(),
                           "the writer to take the data-folder lock")
                time.sleep(rng.uniform(0.0, 0.4))
            else:
                k = rng.randint(1, 8)
                writer = wait_until(lambda ps=procs, k=k: next((p for p in ps if len(p.inspections()) >= k), None),
                                    f"{k} frames recorded", step=0.005)
                for other in procs:  # the second writer is refused with a message, not a traceback
                    if other is not writer:
                        assert other.finish() == 2, other.show()
                        assert f"error: {BUSY}" in other.stderr() and "Traceback" not in other.stderr(), other.show()
                if "reader" in kind:  # a reader works while the writer runs, and sees what it reported recorded
                    seen = len(writer.inspections())
                    code, out, err = run(data, work, ["history", "--json", "--limit", "3"], user="mia", forked=forked)
                    assert code == 0 and "Traceback" not in err, err
                    assert sum(json.loads(out)["counts"].values()) >= committed_before + seen
                if kind.startswith("frames"):
                    time.sleep(rng.uniform(0.0, 0.25))
                else:  # as soon as pending/ holds a staged (or half-written) image, and a moment later
                    wait_until(lambda w=writer, partial=kind == "partial": staged_files(data, partial) or not w.running(),
                               "an image under pending/", step=0.0005)
                    if kind.startswith("staged"):
                        time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.005)]))
            assert writer.running(), writer.show()
            writer.kill()
            assert writer.finish() == -signal.SIGKILL, writer.show()
            assert "Traceback" not in writer.stderr(), writer.show()
            printed |= {d["inspection"] for d in writer.inspections()}
            state = image_store_state(data)
            # before any recovery: every committed row's image is published or still staged under pending/
            assert not state["rows_without_file"], (seed, cycle, state["rows_without_file"])
            left_behind.append(f"{kind}: {len(writer.inspections())} frames, pending/ {len(state['pending_with_row'])} "
                               f"with a row, {len(state['pending_without_row'])} without, "
                               f"{len(state['partial_writes'])} partial ({time.monotonic() - cycle_started:.1f} s)")
        kill_loop_s = time.monotonic() - started

        # one ordinary start: start-up recovery finishes or undoes what the kills left
        final = Station(data, work, ["inspect", "--source", "synthetic", "--frames", "3", "--json"], "otto",
                        tag="final", forked=forked)
        live.append(final)
        assert final.finish() == 0, final.show()
        assert len(final.inspections()) == 3 and "Traceback" not in final.stderr(), final.show()
    finally:
        for p in live:
            if p.running():
                p.kill()
                p.finish(30)

    state = image_store_state(data)
    ids = {r[0] for r in db_rows(data, "SELECT id FROM inspection")}
    print("left behind by each kill, before recovery:\n  " + "\n  ".join(left_behind))
    print(f"after recovery: {state['rows']} rows, {state['published']} images; kill loop {kill_loop_s:.1f} s, "
          f"with the final start {time.monotonic() - started:.1f} s")
    assert not printed - ids, f"inspections reported as recorded but not in the database: {sorted(printed - ids)}"
    assert state["rows_without_file"] == [], (seed, state["rows_without_file"])
    assert state["files_without_row"] == [], (seed, state["files_without_row"])
    pending = data / "images" / "pending"
    assert not pending.exists() or not list(pending.iterdir()), \
        (seed, state["pending_with_row"], state["pending_without_row"], state["partial_writes"])
    damaged = [p for p, sha in state["recorded"].items()
               if sha and hashlib.sha256((data / "images" / p).read_bytes()).hexdigest() != sha]
    assert damaged == [], (seed, damaged)
    assert state["rows"] == len(ids) >= len(printed) + 3

    # the audit trail after all this: reported, not asserted (its chain is being reworked elsewhere)
    code, out, err = run(data, work, ["audit", "verify"], user="mia")
    print(f"station audit verify (exit {code}): {(out + err).strip()}")
