import os
from pathlib import Path

# Under pytest-xdist each worker gets its share of the cores. torch reads OMP_NUM_THREADS when it is first
# imported (here, and in the `station` subprocesses the smoke tests start); without it every worker spins
# as many threads as there are cores and the suite runs several times slower.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _WORKERS > 1:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _WORKERS)))

import pytest

import clip_memo
import password_memo
import render_memo

REPO = Path(__file__).resolve().parent.parent
render_memo.install()
clip_memo.install()
password_memo.install()
_PASSWORD_CHECKS = pytest.StashKey[object]()
GENERATOR_TESTS = {"test_synth"}  # they test the part generator itself: every part drawn afresh


# Markers every test gets from what it is, so `-m "not slow"` or `-m gui` select without a list kept by hand.
MARKERS = {
    "gui": "opens the window or a dialog (pytest-qt; QT_QPA_PLATFORM=offscreen)",
    "postgres": "runs against the PostgreSQL server STATION_TEST_DB_URL names",
    "links": "serves the PLC links (OPC UA, Modbus) on loopback ports",
    "slow": "trains, tunes or attacks a model, or runs `station` processes: seconds to a minute each",
}
SLOW_MODULES = {"test_backdoor_fixture", "test_prm", "test_readme_commands", "test_crash_loop", "test_demo_models",
                "test_model_files_fuzz", "test_power_loss", "test_datalock"}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 server (SeaweedFS) on loopback for this test process (tests/s3_server.py)."""
    from s3_server import SeaweedS3

    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def station_server():
    """`station` commands forked from one server per test process that imported the station once
    (tests/station_process.py); shared by the smoke tests and the crash loop."""
    import station_process

    yield station_process.context()
    station_process.stop()


@pytest.fixture
def postgres_url():
    """A database of its own on the PostgreSQL server STATION_TEST_DB_URL names, dropped after the test: tests on
    other workers share the server, and one test's clean schema must not pull tables from under another's."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    server = os.environ.get("STATION_TEST_DB_URL")
    if not server:
        pytest.skip("STATION_TEST_DB_URL not set (CI sets it)")
    name = f"station_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside a transaction
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def plant_url(request, tmp_path):
    """The plant database: a SQLite file, and PostgreSQL where STATION_TEST_DB_URL names a server (CI)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plant.db'}"
    return request.getfixturevalue("postgres_url")


def pytest_runtest_setup(item):
    render_memo.enabled = item.module is None or item.module.__name__.rsplit(".", 1)[-1] not in GENERATOR_TESTS
    if not render_memo.enabled:  # the generator's own caches start cold too
        from station.synth import drawing, render

        for remembered in (drawing.offsets, drawing.radius, drawing.radial, drawing._gaussian_kernel,
                           render._whole_area):
            remembered.cache_clear()


def pytest_configure(config):
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    config.stash[_PASSWORD_CHECKS] = password_memo.start_run()


def pytest_unconfigure(config):
    password_memo.end_run(config.stash.get(_PASSWORD_CHECKS, None))


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"qtbot", "qapp"} or module.startswith("test_gui"):
            item.add_marker(pytest.mark.gui)
        if "postgresql" in item.nodeid:
            item.add_marker(pytest.mark.postgres)
        if module.startswith("test_links"):
            item.add_marker(pytest.mark.links)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


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
PEOPLE = (("boss", "manager", "Bo Ss"), ("rita", "reviewer", ""), ("otto", "operator", ""))


@pytest.fixture(scope="session")
def station_templates(tmp_path_factory) -> dict[str, Path]:
    """Data folders made once per session, which fixtures copy: "new", a demo station as installed (no accounts:
    anyone may inspect), and "staffed", the same with its three accounts."""
    import shutil

    from station.auth import create_user
    from station.runtime import Station

    root = tmp_path_factory.mktemp("templates")
    Station.open(root / "new").close()
    shutil.copytree(root / "new", root / "staffed")
    st = Station.open(root / "staffed")
    with st.db.transaction() as s:
        boss = create_user(s, "boss", "manager", PW, None, display_name="Bo Ss")
        create_user(s, "rita", "reviewer", PW, boss)
        create_user(s, "otto", "operator", PW, boss)
    st.close()
    return {"new": root / "new", "staffed": root / "staffed"}


def copy_data(template: Path, data: Path) -> Path:
    """A copy of a closed station's data folder. Its SQLite journal files are left behind: a closed database keeps
    nothing in them, and a reader on another worker (the shared onboarded station's) makes and removes them while
    the copy runs."""
    import shutil

    shutil.copytree(template, data, ignore=shutil.ignore_patterns("*.db-wal", "*.db-shm"))
    return data


def open_copy(template: Path, data: Path):
    """A station on a copy of `template`; its accounts, if any, as `st.boss`, `st.rita` and `st.otto` (detached)."""
    import shutil

    from sqlalchemy import select

    from station.runtime import Station
    from station.storage.models import User

    copy_data(template, data)
    st = Station.open(data)
    with st.db.session() as s:
        for user in s.scalars(select(User)):
            s.expunge(user)
            setattr(st, user.username, user)
    return st


@pytest.fixture
def station(station_templates, tmp_path):
    """A station of its own with a manager (boss, shown as "Bo Ss"), a reviewer (rita) and an operator (otto),
    each signing in with PW."""
    st = open_copy(station_templates["staffed"], tmp_path / "data")
    yield st
    st.close()


@pytest.fixture(scope="module")
def module_station(station_templates, tmp_path_factory):
    """A new demo station (no accounts yet) shared by one module's tests; each leaves it as it found it."""
    st = open_copy(station_templates["new"], tmp_path_factory.mktemp("station") / "data")
    yield st
    st.close()


@pytest.fixture(scope="session")
def onboarded(station_templates, tmp_path_factory):
    """(root, photos, boss, otto, row): a staffed station at root/"data" whose manager onboarded the product "nut"
    from photos (small: 6 passes of check B, no prompts), not signed, not live. Tests copy root/"data".

    Made once for the whole run: under pytest-xdist the first worker to need it makes it in the run's shared
    temporary folder while the others wait on a file lock (pytest-xdist's documented way), then each reads its
    records."""
    from filelock import FileLock

    if "PYTEST_XDIST_WORKER" not in os.environ:  # not under xdist (or run with -p no:xdist): the whole run
        return _onboard_nut(station_templates["staffed"], tmp_path_factory.mktemp("product"))
    root = tmp_path_factory.getbasetemp().parent / "onboarded-nut"  # the run's folder, shared by its workers
    with FileLock(f"{root}.lock"):
        if not (root / "made").exists():
            _onboard_nut(station_templates["staffed"], root)
            (root / "made").touch()
    return _onboarded_records(root)


def _onboard_nut(template: Path, root: Path):
    from product_photos import write_product_photos
    from station.products.check_b import CheckBRecipe
    from station.products.onboard import OnboardingChoices, onboard

    photos = write_product_photos(root / "photos", {"good": 32, "scratch": 12, "crack": 12, "chipped": 6})
    station = open_copy(template, root / "data")
    try:
        row = onboard(station, station.boss, "nut", photos, OnboardingChoices(good="good", tune_prompts=False,
                                                                              check_b=CheckBRecipe(epochs=6)))
        return root, photos, station.boss, station.otto, row
    finally:
        station.close()


def _onboarded_records(root: Path):
    """What `_onboard_nut` returned, read back from the station it made (detached records)."""
    from sqlalchemy import select

    from station.records import open_records
    from station.storage.db import sqlite_url
    from station.storage.models import Product, User

    db = open_records(sqlite_url(root / "data"), recover=False)  # read only: other workers copy this folder
    try:
        with db.session() as s:
            users = {u.username: u for u in s.scalars(select(User))}
            row = s.scalars(select(Product).where(Product.name == "nut")).one()
            s.expunge_all()
        return root, root / "photos", users["boss"], users["otto"], row
    finally:
        db.close()


def wait_for_reads(qtbot, widget, timeout: int = 20_000) -> None:
    """Until every read `widget` and its pages started has been shown (the window reads records off the GUI
    thread, ui/reads.py): what a person would see once the page has filled in."""
    from ui.reads import PageRead

    qtbot.waitUntil(lambda: not any(r.busy for r in widget.findChildren(PageRead)), timeout=timeout)
