"""Where the station keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "inspection-station"
ENV_DATA_DIR = "STATION_DATA_DIR"


def default_data_dir() -> Path:
    """`STATION_DATA_DIR` if set, else the platform's per-user data directory."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The shipped resources (demo models, icons, translations): `resources/` of the checkout,
    installed with the package as `station.resources`."""
    from importlib.resources import files

    try:
        return Path(str(files("station.resources")))
    except ModuleNotFoundError:  # the source tree on sys.path without an install: resources/ beside station/
        return repo_dir() / "resources"


def repo_dir() -> Path:
    """The source checkout (test fixtures, benchmarks); not part of an installation."""
    return Path(__file__).resolve().parent.parent


def backdoored_fixture_dir() -> Path:
    """The deliberately backdoored demo CLIP: a test fixture kept in the checkout, never installed."""
    return repo_dir() / "tests" / "fixtures" / "backdoored"


def demo_models_dir() -> Path:
    """The bundled demo models; `STATION_DEMO_MODELS` points elsewhere (e.g. a freshly trained set)."""
    override = os.environ.get("STATION_DEMO_MODELS")
    return Path(override) if override else resources_dir() / "models" / "demo"


def check_b_start_dir() -> Path:
    """The bundled start of every product's check B (a part CNN; `station demo-train --check-b-start` makes it)."""
    return resources_dir() / "models" / "check_b_start"


# the data folder's own subfolders that records point into
_RECORDED_FOLDERS = ("prompts", "gate", "models", "images")


def stored_path(data_dir: Path | str, path: Path | str) -> str:
    """What a record keeps of a file: its path inside the data folder (POSIX, relative), so a moved, copied or
    relatively named folder still finds it; a file outside the folder keeps its absolute path."""
    path, root = Path(path).resolve(), Path(data_dir).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def data_path(data_dir: Path | str, stored: str) -> Path:
    """A recorded file in this data folder. A relative record is under the folder. An absolute one (written
    before records were relative, or outside the folder) is looked for first at its place under this folder
    (prompts/..., gate/..., models/...), so a copied folder uses its own files and not the original's."""
    if data_dir is None:
        return Path(stored)
    root, path = Path(data_dir), Path(stored)
    if not path.is_absolute():
        return root / path
    parts = path.parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in _RECORDED_FOLDERS:
            here = root.joinpath(*parts[i:])
            if here.exists():
                return here
            break
    return path
