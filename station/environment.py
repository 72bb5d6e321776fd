"""Settings from the station's environment, over station.toml, and the database password, which is never in it.

`STATION_<KEY>` sets a top-level key (`STATION_NAME`), `STATION_<SECTION>__<KEY>` a key of a table
(`STATION_THRESHOLDS__CONF_A=0.6`); the value is written as in TOML (0.6, true, "text"; bare text is text).
A service manager or a container sets them; the station uses them, checks them like the file, refuses a change
to them from the window (change them where they are set) and never writes them into station.toml.

The database password, for a `database_url` written without one: `STATION_DATABASE_PASSWORD`, or a file named
`station_database_password` in `$CREDENTIALS_DIRECTORY` (systemd's LoadCredential=), or the file
`database_password_file` names (readable by the station's account alone).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import SecretStr, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict

from .config_schema import SECTIONS, TOP_KEYS, ConfigError
from .secrets import read_private_line

PREFIX = "STATION_"
PASSWORD_VARIABLE = "STATION_DATABASE_PASSWORD"


class _Variables(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_nested_delimiter="__", case_sensitive=False,
                                      extra="ignore")


# one field per top-level key (text) and per table (its keys, text): read as given, typed below as TOML values
Variables = create_model("Variables", __base__=_Variables,
                         **{key: (str | None, None) for key in TOP_KEYS},
                         **{name: (dict[str, str], {}) for name in SECTIONS})


class _Password(BaseSettings):
    # the variable STATION_DATABASE_PASSWORD, or a file of that name (any case) in the credentials directory
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")
    station_database_password: SecretStr | None = None


def _toml_value(text: str):
    """'0.6' -> 0.6, 'true' -> True, '"x"' -> 'x'; anything that is no TOML value is the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def overrides() -> tuple[dict, dict[str, str]]:
    """(what the environment sets, as a settings document: {key: value, table: {key: value}},
    {"table.key": the variable that set it})."""
    found = Variables()
    document, names = {}, {}
    for key in TOP_KEYS:
        value = getattr(found, key)
        if value is not None:
            document[key], names[key] = _toml_value(value), f"{PREFIX}{key.upper()}"
    for table in SECTIONS:
        for key, value in getattr(found, table).items():
            document.setdefault(table, {})[key] = _toml_value(value)
            names[f"{table}.{key}"] = f"{PREFIX}{table.upper()}__{key.upper()}"
    return document, names


def merged(raw: dict, document: dict) -> dict:
    """`raw` (a settings file) with the environment's `document` over it, table by table."""
    out = dict(raw)
    for key, value in document.items():
        out[key] = {**out.get(key, {}), **value} if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def database_password(password_file: str = "") -> str | None:
    """The database password from the environment, the credentials directory or `password_file`; None: none set."""
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    found = _Password(_secrets_dir=credentials if credentials and Path(credentials).is_dir()
                      else None).station_database_password
    if found is not None:
        return found.get_secret_value()
    if password_file:
        return read_private_line(password_file, "database_password_file", "the database account's password",
                                 ConfigError)
    return None


def database_url(url: str, password_file: str = "") -> str:
    """`url` with the password from the environment (or its file) when the URL names none."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.password is not None:
        return url
    password = database_password(password_file)
    return url if password is None else parsed.set(password=password).render_as_string(hide_password=False)
