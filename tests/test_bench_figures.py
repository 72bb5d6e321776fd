"""`make bench` ends with one table of each benchmark's headline figures, goals and measurements."""

import subprocess
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from headline import ENV, record  # noqa: E402


def test_recorded_figures_come_out_as_one_table_with_goals_met_or_not(tmp_path, monkeypatch):
    figures = tmp_path / "figures.jsonl"
    monkeypatch.setenv(ENV, str(figures))
    record("review queue: queue length, 100,000 against 1,000 waiting", "<= 1.5x", "1.01x", True)
    record("PRM batched over the official procedure, ViT-B-32 input mode, batch 16", ">= 3x", "1.70x", False)
    record("station --version over bare python", "", "2.8x")
    out = subprocess.run([sys.executable, str(REPO / "bench" / "headline"), str(figures)], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0].split() == ["figure", "goal", "measured"]
    rows = {line.split("  ")[0]: line for line in out[2:]}
    assert rows["review queue: queue length, 100,000 against 1,000 waiting"].split()[-3:] == ["1.5x", "1.01x", "met"]
    assert rows["PRM batched over the official procedure, ViT-B-32 input mode, batch 16"].split()[-3:] == ["1.70x", "NOT", "MET"]
    assert rows["station --version over bare python"].split()[-2:] == ["-", "2.8x"]


def test_a_bench_run_alone_records_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    record("a figure", "", "1x")
    assert list(tmp_path.iterdir()) == []
