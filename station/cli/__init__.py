"""The `station` command. Every subcommand calls the same functions the GUI and tests call."""

from __future__ import annotations

import logging
import sys

from ..paths import default_data_dir
from .common import CliError
from .parser import build_parser

__all__ = ["main", "build_parser", "CliError"]


def main(argv: list[str] | None = None) -> int:
    from ..auth import AuthError, PermissionDenied
    from ..capture import ImageDecodeError, SourceUnavailable
    from ..config import ConfigError
    from ..models.files import ModelFileError
    from ..pack import PackError
    from ..prompts.registry import PromptSetError
    from ..storage.db import DatabaseError

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
    except (CliError, ModelFileError, SourceUnavailable, ImageDecodeError, ConfigError, DatabaseError, AuthError,
            PermissionDenied, PromptSetError, PackError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


