"""Guessing passwords is slowed down: after three failures in a row each further try waits twice as long as the
one before (to five minutes), per account and per source, across processes (the counts are in the database),
even for the right password; every failure is audited with where it came from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from station.auth import AuthError, SignInThrottled, create_user, sign_in
from station.cli import main
from station.sign_in_throttle import FREE_FAILURES, MAX_WAIT_S, wait_after
from station.storage.db import sqlite_url
from station.records import open_records
from station.storage.models import AuditEvent, SignInFailure

PW = "password-123"


@pytest.fixture
def db(tmp_path):
    database = open_records(sqlite_url(tmp_path), tmp_path)
    with database.transaction() as s:
        boss = create_user(s, "boss", "manager", PW, None)
        create_user(s, "rita", "reviewer", PW, boss)
    yield database
    database.close()


def test_the_wait_doubles_after_the_free_failures():
    assert [wait_after(n) for n in range(FREE_FAILURES + 4)] == [0, 0, 0, 1, 2, 4, 8]
    assert wait_after(100) == MAX_WAIT_S


def test_an_account_is_throttled_even_for_the_right_password_and_a_success_clears_it(db):
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthError, match="wrong"):
            sign_in(db, "boss", "guess", via="cli", source="cli:eve")
    with pytest.raises(SignInThrottled, match="try again in"):
        sign_in(db, "boss", PW, via="gui")  # another source: the account itself is held back
    with db.transaction() as s:  # the wait has passed
        for row in s.scalars(select(SignInFailure)):
            row.last_at = row.last_at - timedelta(seconds=5)
    assert sign_in(db, "boss", PW, via="gui").username == "boss"
    with db.session() as s:
        assert s.scalar(select(SignInFailure).where(SignInFailure.kind == "account")) is None
        failed = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.failed"))]
        throttled = s.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in.throttled"))
    assert [d["source"] for d in failed] == ["cli:eve"] * FREE_FAILURES and failed[-1]["in_a_row"] == FREE_FAILURES
    assert throttled.detail["of"] == "account" and throttled.detail["wait_s"] > 0


def test_a_source_guessing_many_accounts_is_throttled(db):
    for name in ("boss", "rita", "nobody"):
        with pytest.raises(AuthError):
            sign_in(db, name, "guess", via="opcua", source="opcua:10.0.0.9")
    with pytest.raises(SignInThrottled, match="from here"):
        sign_in(db, "x", "guess", via="opcua", source="opcua:10.0.0.9")
    assert sign_in(db, "rita", PW, via="gui").username == "rita"  # another source is not held back


def test_the_command_line_is_slowed_across_processes(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("STATION_NEW_PASSWORD", PW)
    assert main(["--data-dir", str(data), "users", "add", "mia", "--role", "manager"]) == 0
    monkeypatch.setenv("STATION_PASSWORD", "guess")
    codes = [main(["--data-dir", str(data), "--user", "mia", "history"]) for _ in range(FREE_FAILURES + 1)]
    assert codes == [2] * (FREE_FAILURES + 1)
    err = capsys.readouterr().err
    assert err.count("wrong user name or password") == FREE_FAILURES and "too many failed sign-ins" in err
