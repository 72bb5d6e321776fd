"""On a station that has records, an emptied, cut-short or deleted station.toml is refused, naming what is
missing, instead of quietly putting defaults in place of tuned values (conf_a 0.9 -> 0.5). A new station still
starts from defaults and writes every table."""

from __future__ import annotations

import tomllib

import pytest

from station import config
from station.config import ConfigError
from station.runtime import Station


@pytest.fixture
def tuned(tmp_path):
    data = tmp_path / "data"
    st = Station.open(data)
    st.close()
    text = (data / config.CONFIG_NAME).read_text().replace("conf_a = 0.5", "conf_a = 0.9")
    (data / config.CONFIG_NAME).write_text(text)
    return data


def test_a_new_station_writes_every_table(tmp_path):
    cfg = config.load(tmp_path)
    written = tomllib.loads((tmp_path / config.CONFIG_NAME).read_text())
    assert set(written) >= {"classes", "thresholds", "failsafe", "source", "model", "ui", "schedule", "gate", "links"}
    assert cfg.thresholds.conf_a == 0.5


@pytest.mark.parametrize("content, missing", [("", "[thresholds]"), ("[thresholds]\nconf_a = 0.9\n", "[[classes]]"),
                                              (None, "is missing")])
def test_an_emptied_or_cut_settings_file_is_refused_on_a_station_with_records(tuned, content, missing):
    path = tuned / config.CONFIG_NAME
    if content is None:
        path.unlink()
    else:
        path.write_text(content)
    with pytest.raises(ConfigError, match="restore station.toml") as refused:
        config.load(tuned)
    assert missing in str(refused.value)
    with pytest.raises(ConfigError):
        Station.open(tuned)
    assert not path.exists() or path.read_text() == (content or "")  # nothing written over it
