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
        """The checkpoint and a problem ('' when none, or when there is no checkpoint yet)."""
        try:
            data = json.loads(self.head_path.read_text(encoding="utf-8"))
            head = Checkpoint(int(data["event_id"]), str(data["event_hash"]))
            mac = str(data["mac"])
        except FileNotFoundError:
            return None, ""
        except (ValueError, KeyError, TypeError, OSError) as e:
            return None, f"the checkpoint file {self.head_path} is unreadable ({e})"
        if self.key() is not None and not hmac.compare_digest(mac, self._head_mac(head.event_id, head.event_hash)):
            return head, f"the checkpoint file {self.head_path} was altered (its MAC does not match)"
        return head, ""

    def write_head(self, event_id: int, event_hash: str, back: bool = False) -> None:
        """Moves the checkpoint forward (never back: another process may have committed a later event), or,
        with `back`, to an event before it (only after a lost tail was recorded: station.audit.tail)."""
        lock_path = self.head_path.with_name(HEAD_NAME + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current, problem = self.read_head()
            if current is not None and not problem and current.event_id >= event_id and not back:
                return
            tmp = self.head_path.with_name(HEAD_NAME + ".tmp")
            body = {"event_id": event_id, "event_hash": event_hash, "mac": self._head_mac(event_id, event_hash)}
            tmp.write_text(json.dumps(body), encoding="utf-8")
            os.replace(tmp, self.head_path)

    def rewind_head(self, event_id: int, event_hash: str) -> None:
        self.write_head(event_id, event_hash, back=True)
