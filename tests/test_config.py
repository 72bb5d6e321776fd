"""Station settings in TOML."""

import pytest

from station import config
from station.config import ConfigError


def test_first_load_writes_usable_defaults(tmp_path):
    cfg = config.load(tmp_path)
    assert (tmp_path / "station.toml").exists()
    assert [c.key for c in cfg.classes][0] == "washer/good" and cfg.classes[0].good
    assert config.load(tmp_path).to_dict() == cfg.to_dict()  # round trip


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace("conf_a = 0.5", "conf_a = 1.5"), "conf_a must be a number from 0 to 1"),
        (lambda t: t.replace('kind = "synthetic"', 'kind = "scanner"'), "[source] kind must be one of"),
        (lambda t: t.replace("[thresholds]", "[thresholds]\nconf_c = 0.3"), "unknown key(s) conf_c in [thresholds]"),
        (lambda t: t.replace("good = true", "good = false"), "no class is marked good"),
        (lambda t: t + "\n[broken", "not valid TOML"),
        (lambda t: t.replace('check_b = "demo_cnn"', 'check_b = "onnx"'), "needs check_b_path"),
    ],
)
def test_invalid_settings_name_the_key(tmp_path, edit, message):
    config.load(tmp_path)
    path = tmp_path / "station.toml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(ConfigError) as err:
        config.load(tmp_path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_family_switch(tmp_path):
    cfg = config.default_config("pcb_tile")
    assert {c.key.split("/")[0] for c in cfg.classes} == {"pcb_tile"}
    with pytest.raises(ConfigError, match="unknown part family"):
        config.default_config("bolt")
