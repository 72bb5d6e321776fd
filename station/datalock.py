"""One station process writes to a data folder at a time.

The process that opens the station (models, image store, start-up recovery) holds an exclusive lock
on `<data dir>/station.lock` until it closes. A second one gets a clear message naming the first;
commands that only read, or write a single row (history, review, users, the fail-safe), do not take it.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import sys
import time
from pathlib import Path

from .errors import StationError

LOCK_NAME = "station.lock"


class DataFolderBusy(StationError):
    """Another station process holds the data folder."""


class DataFolderLock:
    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> DataFolderLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise _busy(self.path.parent, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": _command_line(),
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def ensure_free(data_dir: Path | str) -> None:
    """DataFolderBusy now if another station process holds the folder: a quick look before seconds of loading
    models. Nothing is taken or created; opening the station takes the lock for real."""
    try:
        fd = os.open(Path(data_dir) / LOCK_NAME, os.O_RDWR)
    except (FileNotFoundError, NotADirectoryError):
        return  # never opened: nobody holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _busy(Path(data_dir), _read_holder(fd)) from None
    finally:
        os.close(fd)  # lets go of the look's own lock too


def _busy(data_dir: Path, holder: str) -> DataFolderBusy:
    return DataFolderBusy(
        f"another station process is using the data folder {data_dir} ({holder}); stop it first (close the "
        "station window or end its command). Commands that only read, such as history or review list, work "
        "meanwhile")


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"process {info.get('pid')} running '{info.get('command', '')}', started {info.get('since')}"
    except (OSError, ValueError):
        return "a process whose details could not be read"


def _command_line() -> str:
    """What the holder runs, as a person would type it: the script's name and every argument (a password is never
    an argument: it comes from the environment or a prompt)."""
    words = [Path(sys.argv[0]).name if sys.argv else "station"] + sys.argv[1:]
    text = " ".join(words)
    return text if len(text) <= 300 else text[:297] + "..."


def tighten_files(data_dir: Path | str) -> int:
    """Every file in the data folder its owner's alone (0600), every folder 0700, whatever made them (an older
    version, a copy, a person): returns how many were changed. Links are left alone."""
    changed = 0
    for root, dirs, files in os.walk(data_dir):
        for name, private in [(d, 0o700) for d in dirs] + [(f, 0o600) for f in files]:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode) or st.st_mode & 0o077 == 0:
                    continue
                os.chmod(path, stat.S_IMODE(st.st_mode) & private)
                changed += 1
            except (FileNotFoundError, PermissionError):  # gone meanwhile, or someone else's file
                continue
    return changed


def make_private(data_dir: Path | str) -> Path:
    """The data folder holds password hashes and part images: only its owner may enter it (0700), and files
    the process creates from now on are its owner's alone (umask 077)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        data_dir.chmod(0o700)
    except PermissionError:  # someone else's folder we may only use: leave its mode to them
        pass
    os.umask(0o077)
    return data_dir
