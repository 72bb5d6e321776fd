"""The audit checkpoint file (audit.head) written once per commit with its lock file kept open and the last bytes
parsed remembered: an edit is still caught whatever it keeps of the file, the head never moves back between
processes or threads, and each process locks through a file it opened itself."""

import fcntl
import hashlib
import os
import threading
import time

import pytest

from station.audit.keys import HEAD_NAME, AuditKeys


def digest(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


@pytest.fixture
def keys(tmp_path) -> AuditKeys:
    k = AuditKeys(tmp_path)
    k.create()
    return k


def test_an_in_place_edit_that_keeps_the_files_size_inode_and_mtime_is_caught(keys):
    keys.write_head(5, digest(5))
    head, problem = keys.read_head()
    assert problem == "" and head.event_id == 5
    before = os.stat(keys.head_path)
    raw = keys.head_path.read_bytes()
    at = raw.index(digest(5).encode())
    with open(keys.head_path, "r+b") as f:  # one hex digit of the event's hash changed, nothing else
        f.seek(at)
        f.write(b"0" if raw[at:at + 1] != b"0" else b"1")
    os.utime(keys.head_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(keys.head_path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    head, problem = keys.read_head()
    assert "was altered" in problem
    # the same edit seen by the next write: the altered checkpoint is not taken as a later one
    keys.write_head(6, digest(6))
    assert keys.read_head()[0].event_id == 6 and keys.read_head()[1] == ""


def test_the_head_never_moves_back_when_another_process_wrote_a_later_one(keys, tmp_path):
    other = AuditKeys(tmp_path)  # as another station process: its own lock file, its own memory
    keys.write_head(5, digest(5))
    other.write_head(9, digest(9))
    keys.write_head(7, digest(7))  # this one last wrote 5, but the file now names 9
    assert keys.read_head()[0].event_id == 9
    keys.rewind_head(8, digest(8))  # only a recorded lost tail moves it back
    assert other.read_head()[0].event_id == 8


def test_threads_sharing_one_keys_object_take_the_lock_one_at_a_time(keys, monkeypatch):
    """flock is per open file: with the lock file kept open, the threads of one process must queue before it."""
    holders, most, real_flock = [0], [0], fcntl.flock
    guard = threading.Lock()

    def flock(fd, op):
        if op == fcntl.LOCK_UN:
            with guard:
                holders[0] -= 1
        real_flock(fd, op)
        if op == fcntl.LOCK_EX:
            with guard:
                holders[0] += 1
                most[0] = max(most[0], holders[0])
            time.sleep(0.001)  # widen the window another holder would show in

    monkeypatch.setattr(fcntl, "flock", flock)

    def writer(start):
        for n in range(start, 200, 8):
            keys.write_head(n, digest(n))

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
    head, problem = keys.read_head()
    assert problem == "" and head.event_id == 199 and head.event_hash == digest(199)


def test_the_lock_file_is_opened_once_per_process(keys, monkeypatch):
    opened, real_open = [], os.open

    def counting_open(path, *args, **kwargs):
        if str(path).endswith(HEAD_NAME + ".lock"):
            opened.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    for n in range(1, 6):
        keys.write_head(n, digest(n))
    assert len(opened) == 1
    pid, fd = keys._lock_fd
    keys._lock_fd = (pid + 1, fd)  # as a forked child finds it: its parent's descriptor shares the parent's lock
    keys.write_head(6, digest(6))
    assert len(opened) == 2 and keys._lock_fd[0] == os.getpid() and keys._lock_fd[1] != fd


def test_a_missing_or_unreadable_head_reads_as_before(keys):
    assert keys.read_head() == (None, "")
    keys.write_head(3, digest(3))
    keys.head_path.write_text("{not json", encoding="utf-8")
    head, problem = keys.read_head()
    assert head is None and "unreadable" in problem
    keys.head_path.unlink()
    assert keys.read_head() == (None, "")


def test_a_child_forked_while_a_thread_writes_the_head_writes_its_own(keys):
    """A process forked while one of its parent's threads held the head's thread lock (a render worker, a job
    runner) must not inherit that lock held: its own write goes through instead of waiting forever."""
    keys.write_head(1, digest(1))
    held, release = threading.Event(), threading.Event()

    def hold():
        with keys._threads[1]:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    pid = os.fork()
    if pid == 0:  # the child: write, and say how it went by its exit code
        try:
            keys.write_head(2, digest(2))
            os._exit(0)
        except BaseException:
            os._exit(1)
    try:
        for _ in range(300):  # a hang guard (30 s), not a timing: the write takes milliseconds
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the forked child waited on its parent's lock")
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        release.set()
        holder.join()
    assert keys.read_head()[0].event_id == 2
