"""One writer per data folder, and a folder only its owner can enter."""

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from station.datalock import DataFolderBusy
from station.runtime import Station

STATION = Path(sys.executable).with_name("station")


def test_a_second_station_process_is_refused_and_readers_still_work(tmp_path):
    data = tmp_path / "data"
    first = Station.open(data)
    try:
        with pytest.raises(DataFolderBusy, match="another station process is using the data folder"):
            Station.open(data)  # a second writer, even in this process
        second = subprocess.run([str(STATION), "--data-dir", str(data), "inspect", "--source", "synthetic",
                                 "--frames", "2"], capture_output=True, text=True, timeout=300)
        assert second.returncode == 2 and "another station process is using the data folder" in second.stderr
        # the holder named by its whole command and when it started (this test process: pytest ...)
        assert "running 'pytest" in second.stderr or f"running '{Path(sys.argv[0]).name}" in second.stderr
        assert "started 20" in second.stderr
        assert "Traceback" not in second.stderr
        reader = subprocess.run([str(STATION), "--data-dir", str(data), "history"], capture_output=True, text=True,
                                timeout=300)
        assert reader.returncode == 0, reader.stderr  # read-only commands work meanwhile
    finally:
        first.close()
    again = Station.open(data)  # released on close
    again.close()


def test_the_quick_look_before_loading_models_finds_the_holder_and_takes_nothing(tmp_path):
    """What a command checks before seconds of loading: busy while a station holds the folder, free otherwise,
    and a folder never opened is neither made nor locked by looking."""
    from station.datalock import ensure_free

    data = tmp_path / "data"
    ensure_free(data)
    assert not data.exists()
    station = Station.open(data)
    try:
        with pytest.raises(DataFolderBusy, match="another station process is using the data folder"):
            ensure_free(data)
    finally:
        station.close()
    ensure_free(data)
    Station.open(data).close()  # the look left no lock behind


def test_the_data_folder_and_its_new_files_are_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    station = Station.open(data)
    station.close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("station.db", "station.toml", "station.lock"):
        assert stat.S_IMODE((data / name).stat().st_mode) & 0o077 == 0, name


def test_files_others_could_read_are_made_private_at_start(tmp_path):
    """Files an older version, a copy or a person left readable (0644) are the owner's alone after a start."""
    data = tmp_path / "data"
    Station.open(data).close()
    loose = [data / "station.toml", data / "station.db"] + list((data / "gate").glob("*"))
    for path in loose:
        path.chmod(0o644)
    (data / "images").chmod(0o755)
    Station.open(data).close()
    for path in loose + [data / "images"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
