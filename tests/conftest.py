import os
from pathlib import Path

# Under pytest-xdist each worker gets its share of the cores. torch reads OMP_NUM_THREADS when it is first
# imported (here, and in the `station` subprocesses the smoke tests start); without it every worker spins
# as many threads as there are cores and the suite runs several times slower.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _WORKERS > 1:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _WORKERS)))

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


PW = "correct horse"  # every account of the `station` fixture


@pytest.fixture
def station(tmp_path):
    """A new station with a manager (boss, shown as "Bo Ss"), a reviewer (rita) and an operator (otto)."""
    from station.auth import create_user
    from station.runtime import Station

    st = Station.open(tmp_path / "data")
    with st.db.transaction() as s:
        boss = create_user(s, "boss", "manager", PW, None, display_name="Bo Ss")
        create_user(s, "rita", "reviewer", PW, boss)
        create_user(s, "otto", "operator", PW, boss)
    yield st
    st.close()
