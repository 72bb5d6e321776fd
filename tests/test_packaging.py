"""What the wheel ships: every package of the source tree, and the top-level resources/ as station.resources."""

import tomllib
from pathlib import Path

from station.paths import demo_models_dir, resources_dir

REPO = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for top in ("station", "ui") for p in (REPO / top).rglob("__init__.py")}
    found.add("station.storage")  # a namespace package: its migrations are package data
    assert found | {"station.resources"} == listed


def test_resources_are_found_where_the_design_puts_them():
    assert resources_dir() == REPO / "resources"  # an editable install maps station.resources to the checkout
    assert (resources_dir() / "icons" / "inspection-station.svg").is_file()
    assert (demo_models_dir() / "clip" / "manifest.json").is_file()


def test_every_shipped_model_file_is_package_data():
    """A model folder the globs miss would be absent from an installed station, found only when a manager
    onboards a product there: every file under resources/models/ must match a `station.resources` glob."""
    import subprocess

    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["station.resources"]
    tracked = subprocess.run(["git", "ls-files", "resources/models"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    assert any(f.startswith("resources/models/check_b_start/") for f in tracked)
    shipped = {p.relative_to(REPO).as_posix() for g in globs for p in (REPO / "resources").glob(g)}  # as setuptools
    missed = [f for f in tracked if f not in shipped]
    assert not missed, missed
