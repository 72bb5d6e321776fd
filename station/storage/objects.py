"""Content-addressed objects: a frame's stored bytes kept under the name of their sha256, checked on every read.

One interface, two backends: a folder (a station's own, or a plant share mounted on it) and an S3 bucket (a
plant's object store: SeaweedFS, MinIO, AWS S3). Naming by content makes every write idempotent, so a
forwarder that ships a frame again after an outage stores it once, and a reader trusts the bytes it got only
after they hash to the name it asked for: a damaged or swapped object is refused, never shown as evidence.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol

from ..errors import StationError

_NAME = re.compile(r"[0-9a-f]{64}")


class ObjectError(StationError):
    """An object could not be stored or read; the message names it, the store and the fix."""


class ObjectMissing(ObjectError):
    pass


class ObjectDamaged(ObjectError):
    pass


class ObjectStoreUnreachable(ObjectError):
    pass


def content_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked_name(sha256: str) -> str:
    """Only a sha256 in lower-case hex names an object: nothing else reaches a path or a key."""
    if not isinstance(sha256, str) or not _NAME.fullmatch(sha256):
        raise ObjectError(f"{sha256!r} is not an object name (a sha256 in 64 lower-case hex digits)")
    return sha256


def _within(size: int | None, max_bytes: int | None, sha256: str, where: str) -> None:
    """Refused before it is read: an object bigger than the reader will hold (a pack named by a plant row)."""
    if max_bytes is not None and size is not None and size > max_bytes:
        raise ObjectError(f"object {sha256} at {where} is {size:,} bytes, more than the {max_bytes:,} this reads")


def _verified(data: bytes, sha256: str, where: str) -> bytes:
    if content_name(data) != sha256:
        raise ObjectDamaged(f"object {sha256} at {where} does not hash to its name: it was damaged or replaced; "
                            "restore it from the station that made it or from a backup")
    return data


class ObjectStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data` (once, however often it is put); returns its name, its sha256."""
        ...

    def get(self, sha256: str, max_bytes: int | None = None) -> bytes:
        """The bytes named `sha256`, checked; ObjectMissing, ObjectDamaged or ObjectStoreUnreachable (ObjectError
        for one over `max_bytes`, before it is read)."""
        ...

    def has(self, sha256: str) -> bool: ...


class FolderObjects:
    """Objects as files `<root>/ab/cd/<sha256>`, written under a temporary name, synced, then renamed."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        name = _checked_name(sha256)
        return self.root / name[:2] / name[2:4] / name

    def put(self, data: bytes) -> str:
        name = content_name(data)
        path = self.path_of(name)
        if path.exists():
            try:
                _verified(path.read_bytes(), name, str(path))
                return name
            except ObjectDamaged:
                pass  # written again below: the bytes in hand are the right ones
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the name survives a power cut too
        finally:
            os.close(folder)
        return name

    def get(self, sha256: str, max_bytes: int | None = None) -> bytes:
        path = self.path_of(sha256)
        try:
            with open(path, "rb") as f:
                _within(os.fstat(f.fileno()).st_size, max_bytes, sha256, str(path))
                data = f.read()
        except FileNotFoundError:
            raise ObjectMissing(f"object {sha256} is not in {self.root}") from None
        return _verified(data, sha256, str(path))

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()


class S3Objects:
    """Objects in an S3 bucket as `<prefix><ab>/<sha256>` (boto3: SigV4, retries, every S3-compatible server)."""

    def __init__(self, endpoint: str, bucket: str, access_key: str = "", secret_key: str = "",
                 prefix: str = "frames/", region: str = "us-east-1", timeout_s: float = 5.0):
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        self.endpoint, self.bucket, self.prefix = endpoint, bucket, prefix
        signing = {} if access_key else {"signature_version": UNSIGNED}  # no key: anonymous requests
        self._client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=region,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=Config(connect_timeout=timeout_s, read_timeout=timeout_s, retries={"max_attempts": 2},
                          s3={"addressing_style": "path"}, **signing))

    def create_bucket(self) -> None:
        """Make the bucket if it is not there yet (a plant's first station; a test's own server)."""
        from botocore.exceptions import ClientError

        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self._call(f"create the bucket {self.bucket}", lambda: self._client.create_bucket(Bucket=self.bucket))

    def key_of(self, sha256: str) -> str:
        name = _checked_name(sha256)
        return f"{self.prefix}{name[:2]}/{name}"

    def _where(self, sha256: str) -> str:
        return f"{self.endpoint}/{self.bucket}/{self.key_of(sha256)}"

    def _call(self, what: str, call, missing: str = ""):
        """`call()`, its failures worded: `what` the station tried, `missing` what a 404 means."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call()
        except ClientError as e:
            code = str(e.response.get("Error", {}).get("Code", ""))
            if missing and code in ("404", "NoSuchKey", "NotFound"):
                raise ObjectMissing(missing) from None
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            if status >= 500 or code in ("InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"):
                raise ObjectStoreUnreachable(  # the server's own trouble (busy, growing a volume): it passes
                    f"the object store at {self.endpoint} could not {what} now ({code or status}); it is tried again "
                    "later, the station keeps its own copy meanwhile") from None
            raise ObjectError(f"the object store at {self.endpoint} refused to {what}: {code or e}; check the "
                              "bucket and the station's access key") from None
        except BotoCoreError as e:  # no connection, a timeout, no credentials
            raise ObjectStoreUnreachable(
                f"the object store at {self.endpoint} cannot be reached to {what} ({e}); check the network and the "
                "server; the station keeps its own copy meanwhile") from None

    def put(self, data: bytes) -> str:
        name = content_name(data)
        if not self.has(name):
            self._call(f"store {self._where(name)}", lambda: self._client.put_object(
                Bucket=self.bucket, Key=self.key_of(name), Body=data, Metadata={"sha256": name}))
        return name

    def get(self, sha256: str, max_bytes: int | None = None) -> bytes:
        where, missing = self._where(sha256), f"object {sha256} is not in {self.endpoint}/{self.bucket}"
        reply = self._call(f"read {where}", lambda: self._client.get_object(Bucket=self.bucket,
                                                                            Key=self.key_of(sha256)), missing)
        try:
            _within(reply.get("ContentLength"), max_bytes, sha256, where)
        except ObjectError:
            reply["Body"].close()
            raise
        data = self._call(f"read {where}", lambda: reply["Body"].read())
        return _verified(data, sha256, where)

    def has(self, sha256: str) -> bool:
        try:
            self._call(f"look up {self._where(sha256)}", lambda: self._client.head_object(
                Bucket=self.bucket, Key=self.key_of(sha256)), missing="-")
        except ObjectMissing:
            return False
        return True
