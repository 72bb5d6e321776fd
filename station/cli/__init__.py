"""The `station` command. Every subcommand calls the same functions the GUI and tests call.

Only the parser is imported up front: `station --version` and `--help` must answer at once, so
each command imports torch, open_clip and the database when it runs.
"""

from __future__ import annotations

import logging
import os
import sys

from ..errors import StationError
from ..paths import default_data_dir
from .common import CliError
from .parser import build_parser

__all__ = ["main", "build_parser", "CliError"]


def _audit_refusal(args, error: Exception) -> None:
    from ..service.accounts import PermissionDenied, record_refusal

    if not isinstance(error, PermissionDenied):
        return
    from .common import open_db

    try:
        db = open_db(args)
        try:
            record_refusal(db, error, via=f"cli {args.command}")
        finally:
            db.close()
    except Exception as e:  # the refusal itself has been shown; a station that cannot audit says so
        print(f"warning: the refusal could not be audited: {e}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader went away (`station review list | head`): no traceback, but not success
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit must not fail
        try:  # a line (`inspect`, `serve`) stopped this way must not look like one that finished
            print("stopped: the command's output was closed by its reader", file=sys.stderr)
        except OSError:
            pass
        return 141  # as a shell reports a command ended by SIGPIPE


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.data_dir is None:
        args.data_dir = default_data_dir()
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except StationError as e:  # a person can act on it; anything else is a bug and keeps its traceback
        print(f"error: {e}", file=sys.stderr)
        _audit_refusal(args, e)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
