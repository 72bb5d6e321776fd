"""Password checks remembered within a test run: the accounts of the station templates are copied into most tests,
and each sign-in runs scrypt (tens of milliseconds) on the same password and the same stored hash, in the test
processes and in every `station` command they start (each a process of its own, tests/station_process.py).

Exact by construction: a check is remembered by the password and the whole stored hash (scheme, cost, salt,
digest), so its answer is the one scrypt gave for exactly those. Answers are kept in memory and, where the run
names a folder (`FOLDER_VARIABLE`, made by `start_run`), in a file each under a digest of both, so a command's
check serves the next command's. Hashing a new password is not remembered: each account still gets a salt of its own.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

FOLDER_VARIABLE = "STATION_TEST_PASSWORD_CHECKS"
ANSWERS = ("yes", "no")  # anything else in a file (none is written so) is not an answer: scrypt is asked


def install() -> None:
    from station import auth

    if getattr(auth.check_password, "remembers", False):  # installed already (the command server imports us too)
        return
    check = auth.check_password

    @functools.lru_cache(maxsize=256)
    def check_password(password: str, stored: str) -> bool:
        folder = os.environ.get(FOLDER_VARIABLE)  # read now: a command's environment is set after the fork
        if not folder or not os.path.isdir(folder):  # none, or a run's folder left in the environment: no files
            return check(password, stored)
        path = Path(folder) / hashlib.sha256(json.dumps([password, stored]).encode()).hexdigest()
        try:
            kept = path.read_text()
            if kept in ANSWERS:
                return kept == "yes"
        except FileNotFoundError:
            pass
        answer = check(password, stored)
        handle, written = tempfile.mkstemp(dir=folder)  # a name of its own for every writer, thread or process
        with os.fdopen(handle, "w") as f:
            f.write("yes" if answer else "no")
        os.replace(written, path)  # whole or absent, for a process that reads it at the same moment
        return answer

    check_password.remembers = True
    auth.check_password = check_password


def start_run() -> str | None:
    """The folder the run's processes share (made by the first process of the run; xdist's workers and the
    commands they start inherit the variable); returns it when this call made it, for `end_run`."""
    if os.environ.get(FOLDER_VARIABLE):
        return None
    os.environ[FOLDER_VARIABLE] = tempfile.mkdtemp(prefix="station-password-checks-")
    return os.environ[FOLDER_VARIABLE]


def end_run(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
