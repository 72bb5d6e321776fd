"""The station window forwards to the plant beside the line, as `station serve` does, and its header says how
that stands: connecting, frames to send, up to date, paused while the plant is away (the line goes on)."""

from __future__ import annotations

from station.pipeline import Pipeline
from station.storage.plant import PlantDatabase
from station.synth.camera import SyntheticSource
from ui.app import build_window


def window_forwarding(qtbot, station, tmp_path, url: str):
    (tmp_path / "objects").mkdir()
    station.config.plant.station, station.config.plant.database_url = "line-1", url
    station.config.plant.objects = str(tmp_path / "objects")
    window = build_window(station)
    qtbot.addWidget(window)
    window.ctx.start_forwarding()
    return window


def test_the_header_says_when_the_plant_holds_every_frame(qtbot, station, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.db'}"
    window = window_forwarding(qtbot, station, tmp_path, url)
    try:
        Pipeline(station, operator=station.otto, source_name="gui").run(SyntheticSource(seed=3, family="washer"),
                                                                         max_frames=4)
        qtbot.waitUntil(lambda: "Plant: up to date" in window.plant_label.text()
                        and "up to frame #4" in window.plant_label.toolTip(), timeout=30_000)
        assert PlantDatabase(url).count("line-1") == 4
    finally:
        window.ctx.stop_forwarding()


def test_the_header_says_the_plant_is_away_and_the_line_goes_on(qtbot, station, tmp_path):
    window = window_forwarding(qtbot, station, tmp_path, "postgresql+psycopg://station@127.0.0.1:9/plant")
    try:
        results = []
        Pipeline(station, operator=station.otto, source_name="gui").run(SyntheticSource(seed=3, family="washer"),
                                                                         max_frames=2, on_result=results.append)
        assert len(results) == 2  # recorded here whatever the plant does
        qtbot.waitUntil(lambda: "Plant: paused" in window.plant_label.text(), timeout=30_000)
        assert "cannot be reached" in window.plant_label.toolTip()
    finally:
        window.ctx.stop_forwarding()
