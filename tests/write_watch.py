"""Every path this process writes, creates, moves to or removes while recording (Python's audit events).

Readers of outside files (packs, prompt sets) are checked with it: any input may be refused, but
nothing may be written outside the data folder. An audit hook cannot be removed, so it is installed
once and idles outside a `recorded_writes()` block.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_writes: list[str] | None = None
_hooked = False


def _path(path, dir_fd=None) -> str:
    """An absolute path, also for the fd-relative calls shutil.rmtree makes."""
    path = os.fsdecode(path)
    if isinstance(dir_fd, int) and not os.path.isabs(path):
        return os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
    return os.path.abspath(path)


def _record(name: str, args: tuple) -> None:
    if name == "open" and not isinstance(args[0], int):
        path, mode, flags = args
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS):
            _writes.append(_path(path))
    elif name in ("os.rename", "os.replace"):
        _writes.extend([_path(args[0], args[2]), _path(args[1], args[3])])
    elif name in ("shutil.copyfile", "shutil.copytree", "shutil.move", "os.symlink", "os.link"):
        _writes.append(_path(args[1]))
    elif name in ("os.remove", "os.rmdir") and not isinstance(args[0], int):
        _writes.append(_path(args[0], args[1]))
    elif name == "os.mkdir":
        _writes.append(_path(args[0], args[2]))
    elif name in ("shutil.rmtree", "os.chmod", "os.truncate", "os.utime") and not isinstance(args[0], int):
        _writes.append(_path(args[0]))


def _hook(name: str, args: tuple) -> None:
    if _writes is None:
        return
    try:
        _record(name, args)
    except Exception as e:  # a hook that raises would fail the call it watches: the test says so instead
        _writes.append(f"<{name} {args!r}: {e}>")


@contextmanager
def recorded_writes():
    global _writes, _hooked
    if not _hooked:
        sys.addaudithook(_hook)
        _hooked = True
    _writes = []
    try:
        yield _writes
    finally:
        _writes = None
