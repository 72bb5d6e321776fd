"""Model files on disk: hashes, manifests and the errors a person can act on."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path

from ..fileio import write_json_atomic
from ..errors import StationError

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


class ModelFileError(StationError):
    """A model file is missing, altered or unusable. The message names the file and the fix."""

    def __init__(self, path: Path | str, problem: str, fix: str):
        self.path = Path(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{self.path}: {problem}. {fix}")


@contextmanager
def read_or_refuse(path: Path | str, what: str, fix: str = "Restore the model folder from its source."):
    """Whatever fails while `path` is read (truncated, another format, zero bytes, wrong types in a header) becomes
    a ModelFileError naming the file and the fix: a damaged file never ends the station in a traceback."""
    try:
        yield
    except ModelFileError:
        raise
    except Exception as e:
        raise ModelFileError(path, f"{what} cannot be read ({type(e).__name__}: {str(e).strip()[:240]})", fix) from e


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def require_file(path: Path | str, what: str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            path,
            f"{what} not found",
            "Check the path, or copy the file to this station (models are never downloaded).",
        )
    return path


def verify_sha256(path: Path | str, expected: str, what: str = "model file") -> str:
    """Hash the file and compare; returns the hash. Raises ModelFileError on any mismatch."""
    path = require_file(path, what)
    found = sha256_file(path)
    if found != expected.lower():
        raise ModelFileError(
            path,
            f"{what} has sha256 {found}, expected {expected.lower()}",
            "The file was changed or damaged since it was recorded; restore the original "
            "file, or import the new one as a new model so its hash is recorded.",
        )
    return found


def read_manifest(folder: Path) -> dict:
    path = require_file(Path(folder) / MANIFEST_NAME, "model manifest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(path, f"manifest is not valid JSON ({e})", "Restore the model folder from its source.") from e
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelFileError(path, "manifest has no 'files' table", "Restore the model folder from its source.")
    return manifest


def verify_manifest(folder: Path) -> dict:
    """Check every file the manifest lists against its recorded sha256; returns the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    with read_or_refuse(folder / MANIFEST_NAME, "model manifest"):
        for name, expected in manifest["files"].items():
            if not (isinstance(name, str) and isinstance(expected, str)) or Path(name).is_absolute() or ".." in name:
                raise ModelFileError(folder / MANIFEST_NAME, f"manifest entry {name!r} is not a file of the folder "
                                     "with its sha256", "Restore the model folder from its source.")
            verify_sha256(folder / name, expected, what=f"model file '{name}'")
    return manifest


def write_manifest(folder: Path, files: list[str], **metadata) -> dict:
    """Record the sha256 of `files` (relative to `folder`) with free-form metadata."""
    folder = Path(folder)
    manifest = {"format": MANIFEST_FORMAT, **metadata, "files": {n: sha256_file(folder / n) for n in files}}
    write_json_atomic(folder / MANIFEST_NAME, manifest)
    return manifest
