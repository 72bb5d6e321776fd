"""Content-addressed objects (station.storage.objects) in a folder and in a real S3 server (SeaweedFS on
loopback, no mocks): stored once however often they are put, refused when damaged or replaced, and a clear
error, naming the store, when it is missing or cannot be reached."""

from __future__ import annotations

import hashlib

import pytest

from station.storage.objects import (FolderObjects, ObjectDamaged, ObjectError, ObjectMissing, ObjectStoreUnreachable,
                                     S3Objects)



@pytest.fixture(scope="session")
def s3_endpoint(s3_server):
    return s3_server.endpoint


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return FolderObjects(tmp_path / "objects")
    bucket = "frames-" + "".join(c for c in tmp_path.name.lower() if c.isalnum())[-20:]
    s3 = S3Objects(request.getfixturevalue("s3_endpoint"), bucket, access_key="station", secret_key="secret")
    s3.create_bucket()
    return s3


def frame_bytes(n: int) -> bytes:
    return bytes(range(256)) * 40 + n.to_bytes(4, "big")


def test_an_object_is_named_by_its_sha256_stored_once_and_read_back_whole(store):
    data = frame_bytes(1)
    name = store.put(data)
    assert name == hashlib.sha256(data).hexdigest()
    assert store.put(data) == name  # a forwarder's retry: the same object, once
    assert store.has(name) and store.get(name) == data
    other = store.put(frame_bytes(2))
    assert other != name and store.get(other) == frame_bytes(2)
    # a pack named by a plant row (any station may write one) could name a huge object: refused from its size
    with pytest.raises(ObjectError, match="more than the 100 this reads"):
        store.get(name, max_bytes=100)
    assert store.get(name, max_bytes=len(data)) == data


def test_a_damaged_or_swapped_object_is_refused_never_returned(store):
    name = store.put(frame_bytes(3))
    swapped = frame_bytes(4)
    if isinstance(store, FolderObjects):
        store.path_of(name).write_bytes(swapped)
    else:  # someone with the bucket's key writes other bytes under the name
        store._client.put_object(Bucket=store.bucket, Key=store.key_of(name), Body=swapped)
    with pytest.raises(ObjectDamaged, match=f"{name} .* does not hash to its name"):
        store.get(name)
    assert store.put(frame_bytes(3)) == name  # putting the right bytes again repairs it
    if isinstance(store, FolderObjects):
        assert store.get(name) == frame_bytes(3)


def test_a_missing_object_and_a_name_that_is_no_sha256_are_said_plainly(store):
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.has(absent)
    with pytest.raises(ObjectMissing, match=absent):
        store.get(absent)
    for bad in ("../../etc/passwd", "AB" * 32, "ab" * 31, ""):
        with pytest.raises(ObjectError, match="not an object name"):
            store.get(bad)


def test_an_unreachable_object_store_is_named_with_what_to_check(tmp_path):
    from s3_server import _free_port_pair

    nowhere = S3Objects(f"http://127.0.0.1:{_free_port_pair()}", "frames", timeout_s=1.0)
    with pytest.raises(ObjectStoreUnreachable, match=r"cannot be reached .* check the network and the server"):
        nowhere.put(frame_bytes(5))


@pytest.mark.parametrize("status, code, paused", [(500, "InternalError", True), (503, "SlowDown", True),
                                                  (403, "AccessDenied", False)])
def test_a_store_that_is_busy_is_waited_for_and_one_that_refuses_stops(status, code, paused):
    """A server's own trouble (5xx: busy, growing a volume, as SeaweedFS answers 20 stations at once) passes: the
    forwarder pauses and tries again. A refusal (wrong key, no bucket) does not pass by waiting: it stops, saying so."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Answer(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            body = f"<Error><Code>{code}</Code><Message>as configured</Message></Error>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_PUT = do_HEAD = _reply

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = S3Objects(f"http://127.0.0.1:{server.server_address[1]}", "frames", "k", "s", timeout_s=2.0)
        with pytest.raises(ObjectError) as raised:
            store.get("0" * 64)
        assert isinstance(raised.value, ObjectStoreUnreachable) is paused, raised.value
    finally:
        server.shutdown()
