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
