"""The station chooses torch's threads: half the cores by default, `[model] threads` when set."""

import shutil

import pytest
import torch

from station import config, threads
from station.runtime import Station


def test_by_default_half_the_cores_or_the_operator_s_omp_num_threads(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    for cores, expected in ((4, 2), (2, 1), (1, 1), (16, 8)):  # never none
        monkeypatch.setattr(threads, "cores", lambda n=cores: n)
        assert threads.chosen(0) == expected
    assert threads.chosen(3) == 3  # the setting wins
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert threads.chosen(0) == 2


def test_a_cpu_quota_counts_as_fewer_cores(tmp_path, monkeypatch):
    cpu_max = tmp_path / "cpu.max"
    monkeypatch.setattr(threads, "CPU_MAX", cpu_max)
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: set(range(16)))
    for text, expected in (("150000 100000\n", 2), ("max 100000\n", 16), ("50000 100000", 1), ("garbled", 16)):
        cpu_max.write_text(text)
        assert threads.cores() == expected
    cpu_max.unlink()
    assert threads.cores() == 16  # no cgroup v2 file: the affinity alone


def test_a_station_opens_with_the_threads_it_chose(station_templates, tmp_path):
    before = torch.get_num_threads()
    shutil.copytree(station_templates["new"], tmp_path / "data")
    cfg = config.load(tmp_path / "data")
    cfg.model.threads = 1
    config.save(cfg, tmp_path / "data")
    try:
        torch.set_num_threads(3)  # what torch took by chance before the station opened
        Station.open(tmp_path / "data").close()
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_threads_outside_the_range_are_refused_with_the_key_named(tmp_path):
    (tmp_path / "station.toml").write_text("[model]\nthreads = -1\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"threads"):
        config.load(tmp_path)
