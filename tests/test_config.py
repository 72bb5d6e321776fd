"""Station settings in TOML, checked against a strict schema."""

import copy
from dataclasses import replace

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
        (lambda t: t.replace("conf_a = 0.5", "conf_a = 1.5"), "[thresholds] conf_a must be a confidence from 0.05"),
        (lambda t: t.replace("conf_a = 0.5", "conf_a = 0"), "conf_a must be a confidence from 0.05 to 1, got 0"),
        (lambda t: t.replace("max_review_share = 0.6", "max_review_share = 1.0"),
         "[failsafe] max_review_share must be a share from 0.01 to 0.99"),
        (lambda t: t.replace("max_review_share = 0.6", "max_review_share = 0"), "[failsafe] max_review_share"),
        (lambda t: t.replace("window = 50", "window = 0"), "[failsafe] window must be a whole number of frames from 1"),
        (lambda t: t.replace("min_frames = 20", "min_frames = 51"), "min_frames must be at most window (50)"),
        (lambda t: t.replace("min_frames = 20", "min_frames = 0"), "[failsafe] min_frames must be a whole number"),
        (lambda t: t.replace('kind = "synthetic"', 'kind = "scanner"'), "[source] kind must be one of synthetic"),
        (lambda t: t.replace('family = "washer"', 'family = "bolt"'), "[source] family must be one of washer"),
        (lambda t: t.replace("[thresholds]", "[thresholds]\nconf_c = 0.3"), "unknown key(s) conf_c in [thresholds]"),
        (lambda t: t.replace("good = true", "good = false"), "no class is marked good"),
        (lambda t: t + "\n[broken", "not valid TOML"),
        (lambda t: t.replace('check_b = "demo_cnn"', 'check_b = "onnx"'), "needs check_b_path"),
        (lambda t: t.replace("conf_a = 0.5", "conf_a = nan"), "[thresholds] conf_a must be"),
    ],
)
def test_invalid_settings_name_the_key(tmp_path, edit, message):
    config.load(tmp_path)
    path = tmp_path / "station.toml"
    text = path.read_text()
    assert edit(text) != text  # the edit found what it replaces
    path.write_text(edit(text))
    with pytest.raises(ConfigError) as err:
        config.load(tmp_path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def _edit_class(tmp_path, old: str, new: str, index: int = 1) -> str:
    """Replaces `old` with `new` in the index-th [[classes]] entry and returns the error message."""
    tmp_path.mkdir(exist_ok=True)
    config.load(tmp_path)
    path = tmp_path / "station.toml"
    head, *entries = path.read_text().split("[[classes]]")
    assert old in entries[index]
    entries[index] = entries[index].replace(old, new, 1)
    path.write_text("[[classes]]".join([head, *entries]))
    with pytest.raises(ConfigError) as err:
        config.load(tmp_path)
    assert str(path) in str(err.value)
    return str(err.value)


def test_a_quoted_false_is_refused_not_read_as_true(tmp_path):
    # the reported bug: good = "false" was read as True and scratched washers were passed
    message = _edit_class(tmp_path, "good = false", 'good = "false"')
    assert "[[classes]] entry 2 ('washer/scratch') good must be true or false, got 'false'" in message
    assert "without quotes" in message


def test_a_class_with_a_blank_prompt_or_no_key_is_refused(tmp_path):
    assert "prompts must be a list of one or more non-empty texts" in _edit_class(
        tmp_path / "a", "prompts = [", 'prompts = [" ", ')
    assert "key must be a non-empty text" in _edit_class(tmp_path / "b", 'key = "washer/scratch"', 'key = ""')


@pytest.mark.parametrize("table, guess", [("threshold", "thresholds"), ("fail_safe", "failsafe")])
def test_a_misspelt_table_is_refused_with_a_suggestion(tmp_path, table, guess):
    config.load(tmp_path)
    path = tmp_path / "station.toml"
    path.write_text(path.read_text() + f"\n[{table}]\nconf_a = 0.9\n")
    with pytest.raises(ConfigError) as err:
        config.load(tmp_path)
    message = str(err.value)
    assert str(path) in message and f"unknown table [{table}]" in message
    assert f"did you mean [{guess}]?" in message
    assert "known tables: [[classes]], [thresholds], [failsafe]" in message


def test_a_misspelt_key_gets_a_suggestion():
    raw = config.default_config().to_dict()
    raw["failsafe"]["max_review_shares"] = 0.5
    with pytest.raises(ConfigError) as err:
        config.parse(raw, "x.toml")
    assert "unknown key(s) max_review_shares in [failsafe]" in str(err.value)
    assert "did you mean max_review_share?" in str(err.value)


@pytest.mark.parametrize(
    "section, key, value, expected",
    [
        ("thresholds", "conf_b", "0.7", "[thresholds] conf_b must be a confidence from 0.05 to 1, got '0.7'"),
        ("failsafe", "window", "50", "[failsafe] window must be a whole number of frames"),
        ("failsafe", "window", 50.0, "[failsafe] window must be a whole number of frames"),
        ("source", "max_pixels", True, "[source] max_pixels must be a whole number of pixels"),
        ("gate", "enabled", 1, "[gate] enabled must be true or false, got 1"),
        ("model", "clip", 3, "[model] clip must be a text"),
    ],
)
def test_a_wrong_type_is_a_config_error_naming_key_and_type(section, key, value, expected):
    raw = config.default_config().to_dict()
    raw[section][key] = value
    with pytest.raises(ConfigError) as err:
        config.parse(raw, "line-7/station.toml")
    assert str(err.value).startswith("line-7/station.toml: ")
    assert expected in str(err.value)


def test_a_whole_number_is_fine_where_a_number_is_expected():
    raw = config.default_config().to_dict()
    raw["thresholds"]["conf_a"] = 1
    raw["schedule"]["prm_every_days"] = 14
    cfg = config.parse(raw)
    assert cfg.thresholds.conf_a == 1.0 and isinstance(cfg.thresholds.conf_a, float)
    assert cfg.schedule.prm_every_days == 14.0


def test_a_valid_file_round_trips(tmp_path):
    cfg = config.default_config("hex_nut")
    cfg = replace(cfg, name="Line 7", thresholds=config.Thresholds(conf_a=0.65, conf_b=1),
                  failsafe=config.FailSafe(window=10, max_review_share=0.99, min_frames=10),
                  source=replace(cfg.source, kind="folder", target="/srv/images", seed=3),
                  gate=replace(cfg.gate, enabled=False, neighbours=7))
    config.save(cfg, tmp_path)
    again = config.load(tmp_path)
    assert again == cfg and again.to_dict() == cfg.to_dict()
    assert again.classes[0].key.startswith("hex_nut/")


def test_missing_classes_come_from_the_family():
    raw = config.default_config("pcb_tile").to_dict()
    del raw["classes"]
    assert config.parse(raw).classes == config.family_classes("pcb_tile")


def test_construction_and_replace_are_checked_too():
    cfg = config.default_config()
    with pytest.raises(ConfigError, match=r"\[failsafe\] max_review_share must be a share from 0.01 to 0.99"):
        replace(cfg.failsafe, max_review_share=1.0)
    with pytest.raises(ConfigError, match=r"\[\[classes\]\] good must be true or false"):
        config.ClassSpec("washer/x", "x", ["a photo"], "false")
    with pytest.raises(ConfigError, match="never FAIL"):
        replace(cfg, classes=[replace(c, good=True) for c in cfg.classes])


def test_validate_catches_values_changed_in_memory():
    cfg = config.default_config()
    cfg.failsafe.max_review_share = 1.0  # attribute assignment is not checked at once...
    with pytest.raises(ConfigError, match=r"station.toml: \[failsafe\] max_review_share"):
        config.validate(cfg)  # ...but before anything is saved
    cfg = config.default_config()
    cfg.classes[1].good = "false"
    with pytest.raises(ConfigError, match=r"\[\[classes\]\] entry 2 \('washer/scratch'\) good"):
        config.validate(cfg)


def test_widget_ranges_come_from_the_schema():
    assert config.bounds(config.Thresholds, "conf_a") == (0.05, 1.0)
    assert config.bounds(config.FailSafe, "max_review_share") == (0.01, 0.99)
    assert config.bounds(config.FailSafe, "window")[0] == 1


def test_defaults_are_valid_for_every_family():
    for family in ("washer", "hex_nut", "pcb_tile"):
        cfg = config.default_config(family)
        assert config.validate(cfg) is cfg and cfg.source.family == family
    assert config.StationConfig() == config.default_config()
    raw = copy.deepcopy(config.default_config().to_dict())
    assert config.parse(raw).to_dict() == raw


def test_family_switch(tmp_path):
    cfg = config.default_config("pcb_tile")
    assert {c.key.split("/")[0] for c in cfg.classes} == {"pcb_tile"}
    with pytest.raises(ConfigError, match="unknown part family"):
        config.default_config("bolt")


def test_a_setting_new_in_this_version_at_its_default_is_no_edit_outside_the_station():
    """An upgrade adds a setting at its default: the next start records it quietly; set to anything else, or a
    setting the record had and the file changed, it is an edit outside the station."""
    from station.settings import _new_at_default

    assert _new_at_default({"name": "x"}, {"links.recipe_select": [None, False]}) == {"links.recipe_select"}
    assert _new_at_default({"name": "x"}, {"links.recipe_select": [None, True]}) == set()
    assert _new_at_default({"links.recipe_select": False}, {"links.recipe_select": [False, True]}) == set()
