"""station/ is the headless core: it must import and work with Qt absent."""

import pkgutil
import subprocess
import sys

import station


def test_station_never_imports_qt():
    modules = [m.name for m in pkgutil.walk_packages(station.__path__, "station.") if ".migrations" not in m.name and not m.name.endswith("__main__")]
    code = (
        "import sys\n"
        "for name in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'qtpy'):\n"
        "    sys.modules[name] = None  # any import of Qt now fails\n"
        f"import importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
        "print('ok', len(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")
    assert len(modules) > 10
