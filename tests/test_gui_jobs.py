"""Window work on job threads hands back the exception itself, so the window words it in the person's language
and can act on its kind; a station that cannot open says why, as the station said it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from station.config import ConfigError
from station.jobs import Job as JobKind, StationBusy
from ui.app import open_station
from ui.jobs import start_job


def test_a_failed_job_hands_back_its_exception(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    caught = []

    def busy(_job):
        raise StationBusy(f"{JobKind.SELFTEST} is running")

    start_job(owner, busy, "busy work", on_failure=caught.append)  # the job deletes itself once it has ended
    qtbot.waitUntil(lambda: bool(caught), timeout=10_000)
    assert isinstance(caught[0], StationBusy)


def test_a_station_that_cannot_open_raises_what_the_station_said(qapp, tmp_path):
    (tmp_path / "station.toml").write_text("[thresholds]\nconf_a = 7\n")
    with pytest.raises(ConfigError, match=r"\[thresholds\] conf_a must be a confidence"):
        open_station(qapp, tmp_path)
