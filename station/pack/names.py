"""Which names a pack may hold: plain relative paths that stay inside the folder they are unpacked in."""

from __future__ import annotations

import re

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SETTINGS = "settings.toml"
PART_ROOTS = ("model", "check_b", "prompts", "products")  # every other file lives under one of these

MAX_NAME_CHARS = 255
MAX_PART_CHARS = 128
MAX_DEPTH = 8
_PART = re.compile(r"[A-Za-z0-9._+-][A-Za-z0-9 ._+-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def name_problem(name: object) -> str | None:
    """Why `name` is not a safe relative file name, or None when it is."""
    if not isinstance(name, str) or not name:
        return "is empty or not text"
    if len(name) > MAX_NAME_CHARS:
        return f"is longer than {MAX_NAME_CHARS} characters"
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    parts = name.split("/")
    if len(parts) > MAX_DEPTH:
        return f"is nested deeper than {MAX_DEPTH} folders"
    for part in parts:
        if part in ("", ".", ".."):
            return "has an empty, '.' or '..' part"
        if len(part) > MAX_PART_CHARS or not _PART.fullmatch(part):
            return "has characters other than letters, digits, space and . _ + -"
    return None


def is_sha256(value: object) -> bool:
    """Exactly 64 lowercase hex digits: nothing else is ever used as a hash, or as part of a path."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None
