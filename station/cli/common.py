"""What every command shares: errors for people, progress lines, signing in, the database, sources."""

from __future__ import annotations

from contextlib import contextmanager

import sys
from ..errors import StationError
from ..progress import PrintedProgress


class CliError(StationError):
    """A problem the person at the keyboard can fix; printed without a traceback."""


def progress_printer(stage: str, quiet: bool = False, every: bool = False) -> PrintedProgress:
    return PrintedProgress(stage, quiet, every)


def open_db(args, starting: bool = False):
    """The station's database (every command makes the data folder private first: it holds password hashes);
    `starting`: the command starts the station (service.records.open_database)."""
    from ..service.records import open_database

    return open_database(args.data_dir, starting)


def data_folder_free(args) -> None:
    """Refused at once (DataFolderBusy) when another station process holds the data folder: before the seconds a
    command spends importing and loading its models, not after."""
    from ..service.records import ensure_data_folder_free

    ensure_data_folder_free(args.data_dir)


def open_records_of(args):
    """The station's records without its models (service.records.StationRecords)."""
    from ..service.records import open_station_records

    return open_station_records(args.data_dir)


def open_db_to_read(args):
    """The station's database for a check: the settings' database, or the data folder's own SQLite file when
    the settings cannot be read (the check then reports the settings file as one of its findings)."""
    from ..service.records import open_database_to_check

    return open_database_to_check(args.data_dir)


def sign_in_from_args(args, db, needed: bool = False):
    """The user named by --user, after checking the password ($STATION_PASSWORD or a prompt)."""
    import getpass
    import os

    from ..service.accounts import needs_first_account, sign_in_user

    if (args.user or needed) and needs_first_account(db):
        raise CliError("this station has no accounts yet: create the first one, a manager, with station users add NAME "
                       "--role manager (its password from $STATION_NEW_PASSWORD or a prompt), then sign in with "
                       "--user NAME")
    if not args.user:
        if needed:
            raise CliError("this needs a signed-in user: add --user NAME (password from $STATION_PASSWORD or a prompt)")
        return None
    password = getattr(args, "password", None) or os.environ.get("STATION_PASSWORD")  # args: the demo's own
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password: set STATION_PASSWORD or run from a terminal to be asked")
        password = getpass.getpass(f"password for {args.user}: ")
    return sign_in_user(db, args.user, password, via="cli", source=f"cli:{getpass.getuser()}", command=args.command)


def reader_from_args(args, db, permission: str = "records.read"):
    """Commands that show records: once the station has accounts, a signed-in account with `permission` (a
    wrong password is refused, never shown the data). None on a station without accounts."""
    from ..service.accounts import require_signed_in

    user = sign_in_from_args(args, db)
    require_signed_in(db, user, permission, f"'{args.command}' shows the station's records: sign in with station "
                                            f"--user NAME {args.command} (password from $STATION_PASSWORD or a prompt)")
    return user


def inspecting_user(args):
    """The user named by --user, who may inspect; None on a station without accounts. `inspect` and `serve` call
    this before the models load, so a refusal costs nothing."""
    from ..service.accounts import require_signed_in

    db = open_db(args, starting=True)
    try:
        user = sign_in_from_args(args, db)
        require_signed_in(db, user, "inspect", f"'inspect' needs a signed-in operator (or higher) on this station: "
                                               f"station --user NAME {args.command} (password from $STATION_PASSWORD "
                                               "or a prompt)")
    finally:
        db.close()
    return user


@contextmanager
def stop_on_signals():
    """An Event set by Ctrl+C (SIGINT) or a service manager's stop (SIGTERM), so long work ends cleanly and still
    reports; the previous handlers come back afterwards."""
    import signal
    import threading

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def source_from_args(args, cfg):
    from ..service.sources import open_configured_source

    words = args.source or [cfg.source.kind] + ([cfg.source.target] if cfg.source.target else [])
    kind, target = words[0], (words[1] if len(words) > 1 else None)
    if len(words) > 2:
        raise CliError(f"--source takes a kind and at most one target, got {' '.join(words)}")
    # the CLI's simulated camera repeats its sequence (seed 0 by default), unlike the GUI's
    seed = args.seed if args.seed is not None else cfg.source.seed
    return open_configured_source(cfg, kind, target, seed=seed, defect_rate=args.defect_rate, family=args.family,
                                  fps=0.0)
