"""[links] in station.toml: off by default, ports and endpoints checked, and an OPC UA server nobody could
sign in to (or anyone could, by accident) refused with what to set."""

import tomllib

from dataclasses import replace

import pytest
import tomli_w

from station import config
from station.config import ConfigError, LinksSpec


def _load_with(tmp_path, links: dict):
    config.load(tmp_path)
    path = tmp_path / "station.toml"
    raw = tomllib.loads(path.read_text())
    raw["links"] = {**raw["links"], **links}
    path.write_text(tomli_w.dumps(raw))
    return config.load(tmp_path)


def test_every_link_is_off_by_default_and_the_section_is_written(tmp_path):
    cfg = config.load(tmp_path)
    assert cfg.links == LinksSpec()
    assert not (cfg.links.opcua_enabled or cfg.links.modbus_enabled or cfg.links.hardware_trigger)
    assert cfg.links.opcua_anonymous is False
    assert "[links]" in (tmp_path / "station.toml").read_text()


def test_a_working_setup_loads(tmp_path):
    cfg = _load_with(tmp_path, {"opcua_enabled": True, "opcua_user": "plc", "opcua_password_file": "/etc/station/opcua",
                                "modbus_enabled": True, "modbus_port": 502, "hardware_trigger": True})
    assert cfg.links.opcua_user == "plc" and cfg.links.modbus_port == 502


@pytest.mark.parametrize("links, message", [
    ({"modbus_port": 0}, "[links] modbus_port must be a port number from 1 to 65535, got 0"),
    ({"modbus_port": 70000}, "[links] modbus_port must be a port number from 1 to 65535"),
    ({"modbus_port": "502"}, "write the value without quotes"),
    ({"modbus_host": " "}, "[links] modbus_host must be a non-empty text"),
    ({"opcua_endpoint": "opc.tcp://0.0.0.0:99999/station/"}, "[links] opcua_endpoint must be an OPC UA endpoint"),
    ({"opcua_endpoint": "http://0.0.0.0:4840/"}, "opc.tcp://, a host, a port from 1 to 65535"),
    ({"opcua_endpoint": "opc.tcp://0.0.0.0/station/"}, "[links] opcua_endpoint must be"),
    ({"opcua_enabled": "true"}, "[links] opcua_enabled must be true or false"),
    ({"opcua_password": "secret"}, "unknown key(s) opcua_password in [links]"),
    ({"opcua_enabled": True}, "set opcua_user and opcua_password_file"),
    ({"opcua_enabled": True, "opcua_user": "plc"}, "opcua_user and opcua_password_file go together"),
    ({"opcua_enabled": True, "opcua_password_file": "/etc/pw"}, "opcua_user and opcua_password_file go together"),
    ({"opcua_enabled": True, "opcua_anonymous": True, "opcua_certificate": "station.der"},
     "opcua_certificate and opcua_private_key go together"),
    ({"opcua_enabled": True, "opcua_trusted_clients": "/etc/plcs"}, "opcua_trusted_clients needs opcua_certificate"),
    ({"opcua_enabled": True, "opcua_certificate": "s.der", "opcua_private_key": "s.pem"},
     "or opcua_anonymous = true"),  # encrypted, but nobody is named who may sign in
])
def test_wrong_links_settings_name_the_key_and_the_fix(tmp_path, links, message):
    with pytest.raises(ConfigError) as err:
        _load_with(tmp_path, links)
    assert message in str(err.value) and str(tmp_path / "station.toml") in str(err.value)


def test_the_rules_across_keys_wait_until_opcua_is_enabled():
    assert LinksSpec(opcua_user="plc").opcua_password_file == ""  # filled in bit by bit, then enabled


@pytest.mark.parametrize("secured", [
    {"opcua_anonymous": True},
    {"opcua_user": "plc", "opcua_password_file": "/etc/pw"},
    {"opcua_certificate": "s.der", "opcua_private_key": "s.pem", "opcua_trusted_clients": "/etc/plcs"},
])
def test_each_way_of_letting_a_plc_in_is_accepted(secured):
    assert LinksSpec(opcua_enabled=True, **secured).opcua_enabled


def test_a_station_pack_never_changes_the_receiving_station_s_plc_links(tmp_path):
    from types import SimpleNamespace

    from station.pack.reader import planned_settings

    here = config.default_config()
    here.links = LinksSpec(modbus_enabled=True, modbus_port=1502)
    sender = config.default_config()
    sender.links = LinksSpec(opcua_enabled=True, opcua_anonymous=True)
    manifest = SimpleNamespace(foundation_sha256="0" * 64, model=SimpleNamespace(kind="demo"), check_b=None)
    here.ui = replace(here.ui, language="ja")  # nor its screen's language
    planned = planned_settings(manifest, sender, here, tmp_path)
    assert planned.links == here.links and planned.ui.language == "ja"
