"""The audit key and the head checkpoint: two small files outside the database.

Whoever can edit the database but not these files cannot recompute the chain after an edit
(every event carries an HMAC under the key) nor hide the newest events (the checkpoint names
the last one committed).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from ..errors import StationError

KEY_NAME = "audit.key"
HEAD_NAME = "audit.head"
KEY_ENV = "STATION_AUDIT_KEY_FILE"  # to keep the key elsewhere, e.g. on a volume only the station's account reads


class AuditKeyMissing(StationError):
    """The audit trail is keyed but its key file is gone."""


@dataclass(frozen=True)
class Checkpoint:
    event_id: int
    event_hash: str


class AuditKeys:
    def __init__(self, data_dir: Path | str):
        data_dir = Path(data_dir)
        self.key_path = Path(os.environ.get(KEY_ENV) or data_dir / KEY_NAME)
        self.head_path = data_dir / HEAD_NAME
        self._key: bytes | None = None
        self._lock_fd: tuple[int, int] | None = None  # (process id, descriptor): the lock file, opened once
        # flock is per open file: the threads of this process queue here. (process id, lock): a child forked while
        # a thread of its parent held it would wait forever on the copy, so each process makes its own.
        self._threads: tuple[int, threading.Lock] = (os.getpid(), threading.Lock())
        self._parsed: tuple[bytes, tuple[Checkpoint | None, str]] | None = None  # the last bytes read or written

    def key(self) -> bytes | None:
        if self._key is None and self.key_path.exists():
            raw = self.key_path.read_text(encoding="ascii").strip()
            try:
                self._key = bytes.fromhex(raw)
            except ValueError:
                raise AuditKeyMissing(f"{self.key_path} is not an audit key (32 bytes in hex); restore it from "
                                      "the station's backup") from None
        return self._key

    def create(self) -> bytes:
        """A new random key in a file only this account may read; refuses to replace one."""
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
        self._key = key
        return key

    def require_key(self) -> bytes:
        key = self.key()
        if key is None:
            raise AuditKeyMissing(
                f"the audit key {self.key_path} is missing, so no audit event can be written; restore it from the "
                "station's backup (without it the trail cannot be verified or extended)")
        return key

    def mac(self, text: str, key: bytes | None = None) -> str:
        return hmac.new(key or self.require_key(), text.encode("ascii"), hashlib.sha256).hexdigest()

    def _head_mac(self, event_id: int, event_hash: str) -> str:
        return self.mac(f"head:{event_id}:{event_hash}")

    def read_head(self) -> tuple[Checkpoint | None, str]:
        """The checkpoint and a problem ('' when none, or when there is no checkpoint yet). The file is read every
        time; only bytes identical to the ones last parsed (or written) here skip the parse and the MAC check."""
        try:
            raw = self.head_path.read_bytes()
        except FileNotFoundError:
            return None, ""
        except OSError as e:
            return None, f"the checkpoint file {self.head_path} is unreadable ({e})"
        parsed = self._parsed
        if parsed is not None and parsed[0] == raw:
            return parsed[1]
        result = self._parse_head(raw)
        if result[0] is not None and not result[1] and self._key is not None:
            self._parsed = (raw, result)  # only a checked result with the key loaded (its MAC depends on it)
        return result

    def _parse_head(self, raw: bytes) -> tuple[Checkpoint | None, str]:
        try:
            data = json.loads(raw.decode("utf-8"))
            head = Checkpoint(int(data["event_id"]), str(data["event_hash"]))
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError) as e:
            return None, f"the checkpoint file {self.head_path} is unreadable ({e})"
        if self.key() is not None and not hmac.compare_digest(mac, self._head_mac(head.event_id, head.event_hash)):
            return head, f"the checkpoint file {self.head_path} was altered (its MAC does not match)"
        return head, ""

    def _lock(self) -> int:
        """The lock file's descriptor, opened once per process (a forked child opens its own: a descriptor
        inherited across fork shares its parent's lock)."""
        if self._lock_fd is None or self._lock_fd[0] != os.getpid():
            fd = os.open(self.head_path.with_name(HEAD_NAME + ".lock"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            weakref.finalize(self, os.close, fd)
            self._lock_fd = (os.getpid(), fd)
        return self._lock_fd[1]

    def write_head(self, event_id: int, event_hash: str, back: bool = False) -> None:
        """Moves the checkpoint forward (never back: another process may have committed a later event), or,
        with `back`, to an event before it (only after a lost tail was recorded: station.audit.tail)."""
        if self._threads[0] != os.getpid():
            self._threads = (os.getpid(), threading.Lock())
        with self._threads[1]:
            lock = self._lock()
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current, problem = self.read_head()
                if current is not None and not problem and current.event_id >= event_id and not back:
                    return
                head = Checkpoint(event_id, event_hash)
                raw = json.dumps({"event_id": event_id, "event_hash": event_hash,
                                  "mac": self._head_mac(event_id, event_hash)}).encode("utf-8")
                tmp = self.head_path.with_name(HEAD_NAME + ".tmp")
                tmp.write_bytes(raw)
                os.replace(tmp, self.head_path)
                self._parsed = (raw, (head, ""))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def rewind_head(self, event_id: int, event_hash: str) -> None:
        self.write_head(event_id, event_hash, back=True)
