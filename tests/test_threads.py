"""The station chooses torch's threads: half the cores by default, `[model] threads` when set."""

import shutil

import pytest
import torch

from station import config, threads
from station.runtime import Station


@pytest.fixture
def torch_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(3)  # what torch took by chance before the station opened
    yield
    torch.set_num_threads(before)


def open_with(template, data, setting: int | None = None) -> int:
    shutil.copytree(template, data)
    if setting is not None:
        cfg = config.load(data)
        cfg.model.threads = setting
        config.save(cfg, data)
    Station.open(data).close()
    return torch.get_num_threads()


def test_a_station_computes_with_half_the_cores_unless_told(station_templates, tmp_path, monkeypatch,
                                                             torch_threads):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(threads, "cores", lambda: 4)
    assert open_with(station_templates["new"], tmp_path / "default") == 2
    assert open_with(station_templates["new"], tmp_path / "set", setting=1) == 1
    monkeypatch.setattr(threads, "cores", lambda: 1)
    assert open_with(station_templates["new"], tmp_path / "one core") == 1  # never none


def test_an_operator_s_omp_num_threads_is_kept_by_default(station_templates, tmp_path, monkeypatch, torch_threads):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setattr(threads, "cores", lambda: 8)
    assert open_with(station_templates["new"], tmp_path / "env") == 2


def test_threads_outside_the_range_are_refused_with_the_key_named(tmp_path):
    (tmp_path / "station.toml").write_text("[model]\nthreads = -1\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"threads"):
        config.load(tmp_path)
