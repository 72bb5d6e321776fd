"""Secrets kept out of station.toml (a PLC account's password, the database's): read from a file only the
station's account can read, named by a setting."""

from __future__ import annotations

import stat
from pathlib import Path

from .errors import StationError


def private_file(path: str | Path, setting: str, what: str, error: type[StationError] = StationError) -> Path:
    """`path`, checked to exist and to be readable by the station's account alone; `error` naming the fix."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise error(f"{setting}: {p} does not exist. Put {what} in it, make it private (chmod 600 {p}) and set "
                    f"{setting} to its path")
    if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise error(f"{setting}: other accounts can read {p}; make it private: chmod 600 {p}")
    return p


def read_private_line(path: str | Path, setting: str, what: str, error: type[StationError] = StationError) -> str:
    """The first line of a private file (`what`: what it holds, for the message)."""
    p = private_file(path, setting, what, error)
    lines = p.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0]:
        raise error(f"{setting}: {p} is empty; write {what} on its first line")
    return lines[0]
