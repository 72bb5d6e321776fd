"""Settings files of older versions brought up to this version's schema, one step at a time, before they are
checked; a file from a newer station is refused rather than half understood.

A file says its version in `schema_version` (top level); files written before versions were recorded are
version 1. A migrator takes the parsed TOML of its version and returns that of the next: rename or move keys
there, never drop a value a person set. The station writes the current version when it next saves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .config_schema import ConfigError

SCHEMA_VERSION = 3


def _v1_to_v2(raw: dict) -> dict:
    """Version 2 records the version itself; its keys are those of version 1."""
    return raw


def _v2_to_v3(raw: dict) -> dict:
    """Version 3 adds [plant] (forwarding to a plant), off until a person sets it."""
    raw.setdefault("plant", {})
    return raw


MIGRATORS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(raw: dict, path: Path | str) -> dict:
    """`raw` (a parsed settings file) in the current schema, without its `schema_version`."""
    raw = dict(raw)
    version = raw.pop("schema_version", 1)
    if type(version) is not int or version < 1:
        raise ConfigError(f"{path}: schema_version must be a whole number of at least 1, got {version!r}; it says "
                          "which version of the station wrote the file (delete the line if unsure: 1 is assumed)")
    if version > SCHEMA_VERSION:
        raise ConfigError(f"{path}: written by a newer station (settings schema {version}; this one reads up to "
                          f"{SCHEMA_VERSION}): install that version again, or restore station.toml from a backup")
    while version < SCHEMA_VERSION:
        raw = MIGRATORS[version](raw)
        version += 1
    return raw
