"""Settings beyond the file: STATION_* variables over station.toml (checked like it, never written into it), the
database password kept out of it, the file's schema version with its migrators, and which keys wait for a
restart (field metadata)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace

import pytest

from station import config
from station.config import ConfigError
from station.config_migrations import SCHEMA_VERSION
from station.config_schema import SECTIONS, read_at_start
from station.errors import InvalidInput
from station.records import database_url
from station.service.settings import apply_settings


def on_disk(data_dir) -> dict:
    return tomllib.loads((data_dir / "station.toml").read_text(encoding="utf-8"))


def test_variables_set_keys_as_toml_values_over_the_file(tmp_path, monkeypatch):
    config.load(tmp_path)
    monkeypatch.setenv("STATION_THRESHOLDS__CONF_A", "0.65")
    monkeypatch.setenv("STATION_LINKS__MODBUS_ENABLED", "true")
    monkeypatch.setenv("STATION_NAME", "Line 3, station 2")  # bare text is text
    monkeypatch.setenv("STATION_PASSWORD", "not a setting")  # the command line's sign-in: not read as a setting
    cfg = config.load(tmp_path)
    assert cfg.thresholds.conf_a == 0.65 and cfg.links.modbus_enabled is True and cfg.name == "Line 3, station 2"
    assert cfg.thresholds.conf_b == 0.7  # the rest is the file's


@pytest.mark.parametrize("variable, value, said", [
    ("STATION_THRESHOLDS__CONF_A", "5", "[thresholds] conf_a must be a confidence from 0.05 to 1, got 5"),
    ("STATION_THRESHOLDS__CONF_X", "0.6", "unknown key(s) conf_x in [thresholds]"),
    ("STATION_GATE__ENABLED", '"false"', "[gate] enabled must be true or false, got 'false'"),
])
def test_a_bad_variable_is_refused_naming_it(tmp_path, monkeypatch, variable, value, said):
    config.load(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        config.load(tmp_path)
    assert said in str(refused.value) and variable in str(refused.value) and "from the environment" in str(refused.value)


def test_what_the_environment_sets_is_never_written_to_the_file(tmp_path, monkeypatch):
    config.load(tmp_path)
    monkeypatch.setenv("STATION_THRESHOLDS__CONF_A", "0.9")
    monkeypatch.setenv("STATION_UI__REVIEW_HOLD_SECONDS", "30")
    cfg = config.load(tmp_path)
    config.save(replace(cfg, thresholds=replace(cfg.thresholds, conf_b=0.8)), tmp_path)
    saved = on_disk(tmp_path)
    assert saved["thresholds"] == {"conf_a": 0.5, "conf_b": 0.8}  # the file's own conf_a, the new conf_b
    assert saved["ui"]["review_hold_seconds"] == 10.0
    monkeypatch.delenv("STATION_THRESHOLDS__CONF_A")
    monkeypatch.delenv("STATION_UI__REVIEW_HOLD_SECONDS")
    assert config.load(tmp_path).thresholds.conf_a == 0.5


def test_the_window_may_not_change_what_the_environment_sets(station, monkeypatch):
    monkeypatch.setenv("STATION_THRESHOLDS__CONF_A", "0.6")
    new = replace(station.config, thresholds=replace(station.config.thresholds, conf_a=0.8))
    with pytest.raises(InvalidInput) as refused:
        apply_settings(station, station.boss, new)
    assert "thresholds.conf_a" in str(refused.value) and "STATION_THRESHOLDS__CONF_A" in str(refused.value)
    other = replace(station.config, thresholds=replace(station.config.thresholds, conf_b=0.8))
    assert apply_settings(station, station.boss, other).changed == {"thresholds.conf_b": [0.7, 0.8]}


def test_the_database_password_comes_from_the_environment_or_a_private_file(tmp_path, monkeypatch):
    monkeypatch.delenv("STATION_DATABASE_PASSWORD", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    cfg = replace(config.default_config(), database_url="postgresql+psycopg://station@db.plant/station")
    assert database_url(cfg, tmp_path) == "postgresql+psycopg://station@db.plant/station"
    assert database_url(replace(cfg, database_url=""), tmp_path).startswith("sqlite")

    secret = tmp_path / "db.password"
    secret.write_text("from-a-file\n")
    secret.chmod(0o644)
    with pytest.raises(ConfigError, match="other accounts can read .* chmod 600"):
        database_url(replace(cfg, database_password_file=str(secret)), tmp_path)
    secret.chmod(0o600)
    assert database_url(replace(cfg, database_password_file=str(secret)), tmp_path) == \
        "postgresql+psycopg://station:from-a-file@db.plant/station"

    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "station_database_password").write_text("from-systemd")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    assert ":from-systemd@" in database_url(cfg, tmp_path)
    monkeypatch.setenv("STATION_DATABASE_PASSWORD", "p@ss:word/1")  # the variable first; quoted into the URL
    url = database_url(replace(cfg, database_password_file=str(secret)), tmp_path)
    from sqlalchemy.engine import make_url

    assert make_url(url).password == "p@ss:word/1"

    config.save(cfg, tmp_path)
    assert "p@ss" not in (tmp_path / "station.toml").read_text() and "from-" not in (tmp_path / "station.toml").read_text()


def test_the_file_carries_its_schema_version_and_older_ones_are_migrated(tmp_path):
    config.load(tmp_path)
    text = (tmp_path / "station.toml").read_text()
    assert on_disk(tmp_path)["schema_version"] == SCHEMA_VERSION
    older = text.replace(f"schema_version = {SCHEMA_VERSION}\n", "")  # files of version 1 carry no version
    (tmp_path / "station.toml").write_text(older)
    assert config.load(tmp_path).to_dict() == config.default_config().to_dict()
    # a station of version 2 (before [plant]) with records: its file, without the table, still loads
    (tmp_path / "station.db").touch()
    without_plant = re.sub(r"\n\[plant\]\n(?:[a-z_]+ = [^\n]*\n)*", "\n", text)
    (tmp_path / "station.toml").write_text(without_plant.replace(f"schema_version = {SCHEMA_VERSION}",
                                                                 "schema_version = 2"))
    assert "[plant]" not in (tmp_path / "station.toml").read_text()
    assert config.load(tmp_path).plant == config.default_config().plant
    (tmp_path / "station.toml").write_text(text.replace(f"schema_version = {SCHEMA_VERSION}",
                                                        f"schema_version = {SCHEMA_VERSION + 1}"))
    with pytest.raises(ConfigError, match="written by a newer station"):
        config.load(tmp_path)
    (tmp_path / "station.toml").write_text(text.replace(f"schema_version = {SCHEMA_VERSION}", 'schema_version = "2"'))
    with pytest.raises(ConfigError, match="schema_version must be a whole number"):
        config.load(tmp_path)


def test_the_keys_that_wait_for_a_restart_are_marked_on_their_fields():
    assert read_at_start("model.clip") and read_at_start("links.modbus_port") and read_at_start("ui.language")
    assert read_at_start("classes") and read_at_start("database_url")
    assert not read_at_start("thresholds.conf_a") and not read_at_start("ui.review_hold_seconds")
    live = {name for name, cls in SECTIONS.items()
            if not all(read_at_start(f"{name}.{key}") for key in cls.__pydantic_fields__)}
    assert live == {"thresholds", "source", "ui", "schedule"}
