"""`station ARGS` in a process forked from a server that has imported the station (torch, open_clip) once.

The child runs `station.cli.main`, which is all the installed `station` script does, with its own
environment, working folder, arguments and output files: a command costs its own work and about 0.06 s
(`--version`), instead of the several seconds an interpreter takes to import torch. The script itself is
still run by the scenarios that test it (`--version`, `--help`, `demo`, `gui`).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from unittest import mock

# what the commands import lazily, imported once in the server (each child would otherwise spend most of a
# second importing them): the service layer, the database's migrations, products, links, the simulated camera
PRELOAD = ["station.cli", "station.cli.station_cmds", "station.runtime", "station.pipeline", "station.pack",
           "station.selftest.prm_runner", "station.service.inspection", "station.service.accounts",
           "station.service.products", "station.service.records", "station.service.selftests",
           "station.service.review_queue", "station.service.models", "station.service.prompt_sets", "station.links",
           "station.products.onboard", "station.prompts.registry", "station.synth.camera", "station.audit.station_check",
           "station.review", "alembic.command", "alembic.runtime.migration", "pydantic_settings", __name__]


def _warm() -> None:
    """The CLIP tokenizer's vocabulary read and the demo CLIP built once, in the server (every child that loads a
    CLIP needs them; tests/clip_memo.py hands each child's load a copy of the built model), and the run's password
    checks remembered (tests/password_memo.py)."""
    import clip_memo
    import password_memo
    from station.models.clip_store import load_clip_folder, tokenizer
    from station.paths import demo_models_dir

    clip_memo.install()
    password_memo.install()
    tokenizer(32)  # the demo CLIP's context length
    try:
        load_clip_folder(demo_models_dir() / "clip")
    except Exception:  # a damaged demo folder: the commands that load it say so, the server must still start
        pass


_warm()


def station_main(args: list[str], env: dict, cwd: str, out: str, err: str) -> None:
    """A forked child's whole life; its exit status is the command's (a traceback, if any, goes to `err`)."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    sys.argv = ["station", *args]
    from station.cli import main

    code = main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def context():
    """The forkserver context, its server started now with one torch thread per command (as each xdist worker
    has): a child's torch is the server's, and reads OMP_NUM_THREADS only when the server imports it."""
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    # Python 3.11's server is not given the tests' sys.path: without PYTHONPATH this module's preload fails
    # silently, and every child imports it (and warms the CLIP) again, a third of a second each.
    server_env = {"OMP_NUM_THREADS": "1",
                  "PYTHONPATH": os.pathsep.join(filter(None, [os.path.dirname(os.path.abspath(__file__)),
                                                                os.environ.get("PYTHONPATH")]))}
    with mock.patch.dict(os.environ, server_env):  # the server's environment only; the tests' is put back
        forkserver.ensure_running()
    return ctx


def stop() -> None:
    """The server killed: it is idle, holds torch's memory, and a killed one skips the seconds an interpreter
    holding torch takes to shut down."""
    import signal
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if getattr(server, "_forkserver_pid", None):
        os.kill(server._forkserver_pid, signal.SIGKILL)
    if getattr(server, "_stop", None):
        server._stop()


def run(ctx, args: list[str], env: dict, cwd: str, out: str, err: str, timeout: float) -> int | None:
    """The command's exit status, or None when it ran past `timeout` (then it is killed)."""
    process = ctx.Process(target=station_main, args=(args, env, cwd, out, err), daemon=True)
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return process.exitcode
