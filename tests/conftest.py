from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the real per-user data directory."""
    monkeypatch.setenv("STATION_DATA_DIR", str(tmp_path / "station-data"))
    yield


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    from station.paths import demo_models_dir

    return demo_models_dir()
