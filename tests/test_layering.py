"""The import contracts (pyproject.toml, [tool.importlinter]) hold, cover every module, and bite when broken."""

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import station

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
VOCABULARY = {"errors", "messages", "events", "jobs", "progress", "paths"}  # any layer may use these
ABOVE_THE_CORE = {"service", "cli"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["name"]: c for c in config["contracts"]}


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml")], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    out = lint(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "8 kept" in out.stdout, out.stdout


def test_every_core_module_is_named_in_the_contracts():
    """A new module of the core is forbidden to the window and to storage, and may not reach above itself."""
    top = {m.name for m in pkgutil.iter_modules(station.__path__) if m.name != "__main__"}
    core = {f"station.{name}" for name in top - VOCABULARY - ABOVE_THE_CORE}
    by_name = contracts()
    below = by_name["The core knows nothing of the service layer, the command line or the window"]
    window = by_name["The window reaches the core only through station.service (and the vocabulary modules)"]
    storage = by_name["Storage stands alone: it imports nothing of the project but station.errors"]
    command_line = by_name["The command line reaches the core through station.service"]
    assert set(below["source_modules"]) == core
    assert set(window["forbidden_modules"]) == core == set(command_line["forbidden_modules"])
    assert set(storage["forbidden_modules"]) == (core - {"station.storage"}) | {
        f"station.{name}" for name in (VOCABULARY - {"errors"}) | ABOVE_THE_CORE} | {"ui"}


def test_the_contracts_bite(tmp_path):
    """The same tree with one forbidden import each: the window reaching the pipeline, storage reaching the
    audit trail, the core importing Qt, a core module using the demo generator. Each is reported."""
    for package in ("station", "ui"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    breaches = {
        "ui/touch.py": ("from station.pipeline import Pipeline\n", "ui is not allowed to import station.pipeline"),
        "station/storage/images.py": ("from station import audit\n",
                                      "station.storage is not allowed to import station.audit"),
        "station/decision.py": ("import PySide6\n", "station is not allowed to import PySide6"),
        "station/review.py": ("from .synth import samples\n", "station.review -> station.synth"),
        "station/runtime.py": ("from .service import accounts\n",
                               "station.runtime is not allowed to import station.service"),
        "station/cli/pack_cmds.py": ("from ..review import history\n",
                                     "station.cli is not allowed to import station.review"),
        "ui/widgets.py": ("import sqlalchemy\n", "ui is not allowed to import sqlalchemy"),
    }
    for path, (line, _) in breaches.items():
        with open(tmp_path / path, "a", encoding="utf-8") as f:
            f.write(line)
    out = lint(tmp_path)
    assert out.returncode != 0
    for path, (_, report) in breaches.items():
        assert report in out.stdout, (path, out.stdout)


QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def import_without_qt(modules: list[str], out: str) -> None:
    """In a child of the command server (tests/station_process.py), which has imported much of the station
    already: first no Qt module may be loaded, then Qt is made unimportable and every module is imported."""
    import importlib

    loaded = sorted(name for name in sys.modules if name.split(".")[0] in QT)
    for name in QT:
        sys.modules[name] = None  # any import of Qt now fails
    for m in modules:
        importlib.import_module(m)
    Path(out).write_text(f"ok {len(modules)}" if not loaded else f"Qt loaded: {loaded}")


def test_station_never_imports_qt(station_server, tmp_path):
    """At run time as well: every module of station/ imports with Qt absent."""
    modules = [m.name for m in pkgutil.walk_packages(station.__path__, "station.") if "migrations" not in m.name and not m.name.endswith("__main__")]
    out = tmp_path / "imported"
    child = station_server.Process(target=import_without_qt, args=(modules, str(out)))
    child.start()
    child.join(300)
    assert child.exitcode == 0, f"a module of station/ failed to import without Qt (exit status {child.exitcode})"
    assert out.read_text() == f"ok {len(modules)}"
    assert len(modules) > 10
