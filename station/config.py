"""Station settings: a TOML file in the data directory, checked against a strict schema with clear errors.

A new station starts from defaults: the bundled demo models, the simulated
camera and the washer family's classes. The schema (types, allowed values,
rules across keys) lives in config_schema; this module reads and writes the file.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

import tomli_w

from .config_schema import (  # noqa: F401  (re-exported: callers import these from station.config)
    CHECK_B_KINDS,
    SECTIONS,
    SOURCE_KINDS,
    TOP_KEYS,
    ClassSpec,
    ConfigError,
    FailSafe,
    GateSpec,
    LinksSpec,
    ModelSpec,
    PlantSpec,
    ScheduleSpec,
    SourceSpec,
    StationConfig,
    Thresholds,
    UiSpec,
    bounds,
    explain,
    family_classes,
    unknown_keys,
)
from .config_migrations import SCHEMA_VERSION, migrate
from .fileio import write_bytes_atomic

CONFIG_NAME = "station.toml"
TABLES = ("[[classes]]", *(f"[{name}]" for name in SECTIONS))


def default_config(family: str = "washer") -> StationConfig:
    return StationConfig(classes=family_classes(family), source=SourceSpec(family=family))


def _build(cls, data: dict, where: str, path: Path):
    """cls(**data), with unknown keys and refused values reported against the file."""
    known = list(getattr(cls, "__pydantic_fields__", {}))
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ConfigError(f"{path}: {unknown_keys(where, unknown, known)}")
    try:
        return cls(**data)
    except ConfigError as e:
        raise ConfigError(explain(cls, e.errors, where, path) if e.errors else f"{path}: {e}", e.errors) from None


def _check_top_level(raw: dict, path: Path) -> None:
    for key, value in raw.items():
        if key in SECTIONS or key == "classes" or key in TOP_KEYS:
            continue
        if isinstance(value, dict):
            guess = difflib.get_close_matches(str(key), list(SECTIONS) + ["classes"], n=1)
            hint = f" (did you mean [{guess[0]}]?)" if guess else ""
            raise ConfigError(f"{path}: unknown table [{key}]{hint}; known tables: {', '.join(TABLES)}")
        known = list(TOP_KEYS) + ["classes"] + list(SECTIONS)
        raise ConfigError(f"{path}: {unknown_keys('', [key], known)}")


def _classes(raw: dict, family: str, path: Path) -> list[ClassSpec]:
    if "classes" not in raw:
        return family_classes(family)
    entries = raw["classes"]
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: classes must be a list of [[classes]] tables, got {type(entries).__name__}")
    classes = []
    for i, c in enumerate(entries):
        if not isinstance(c, dict):
            raise ConfigError(f"{path}: [[classes]] entry {i + 1} must be a table with key, name, prompts and good")
        label = f" ('{c['key']}')" if isinstance(c.get("key"), str) else ""
        classes.append(_build(ClassSpec, c, f"[[classes]] entry {i + 1}{label}", path))
    return classes


def parse(raw: dict, path: Path | str = CONFIG_NAME) -> StationConfig:
    """The settings in `raw` (a parsed TOML document, of this or an older schema version); ConfigError naming the
    file and key if anything is wrong."""
    path = Path(path)
    raw = migrate(raw, path)
    _check_top_level(raw, path)
    sections = {}
    for name, cls in SECTIONS.items():
        data = raw.get(name, {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [{name}] must be a table, got {type(data).__name__}")
        sections[name] = _build(cls, data, f"[{name}]", path)
    top = {k: raw[k] for k in TOP_KEYS if k in raw}
    classes = _classes(raw, sections["source"].family, path)
    return _build(StationConfig, {**top, "classes": classes, **sections}, "", path)


def validate(cfg: StationConfig, path: Path | str = CONFIG_NAME) -> StationConfig:
    """`cfg` if it would be accepted from the file; checks again whatever was changed in memory since."""
    parse(cfg.to_dict(), path)
    return cfg


def load(data_dir: Path) -> StationConfig:
    """The station's settings; written with defaults on first use."""
    path = Path(data_dir) / CONFIG_NAME
    if not path.exists():
        if has_records(data_dir):
            raise ConfigError(f"{path} is missing. This station has records, so its settings are not taken as "
                              "defaults: restore station.toml from a backup")
        cfg = default_config()
        save(cfg, data_dir)
        return cfg
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e}); fix the file or delete it to start from defaults") from e
    if has_records(data_dir):  # every table of this version, once an older file has been brought up to it
        _require_every_table(migrate(raw, path), path)
    cfg = parse(raw, path)
    return with_environment(cfg, raw, path)


def with_environment(cfg: StationConfig, raw: dict, path: Path) -> StationConfig:
    """`cfg` (read from `raw`) with the STATION_* variables over it, checked as the file is (station.environment)."""
    from .environment import merged, overrides

    document, names = overrides()
    if not document:
        return cfg
    return parse(merged(raw, document), f"{path} with {', '.join(sorted(names.values()))} from the environment")


def has_records(data_dir: Path | str) -> bool:
    """Whether the station has run here (its database or audit key exists): its settings are then its own."""
    return any((Path(data_dir) / name).exists() for name in ("station.db", "audit.key"))


def _require_every_table(raw: dict, path: Path) -> None:
    """The station writes every table; on a station with records a file without some of them (emptied, cut
    short, replaced) would silently put defaults in the place of tuned values, so it is refused instead."""
    missing = [f"[{name}]" for name in SECTIONS if name not in raw] + ([] if "classes" in raw else ["[[classes]]"])
    if missing:
        raise ConfigError(
            f"{path}: {', '.join(missing)} missing. This station has records, so its settings are not taken as "
            "defaults: restore station.toml from a backup (or write the missing tables back); the audit trail keeps "
            "the settings last recorded (station audit verify names what differs)")


def to_toml(cfg: StationConfig) -> bytes:
    """The settings file's bytes, stamped with the schema version that wrote it (station.toml, a pack's)."""
    return tomli_w.dumps({"schema_version": SCHEMA_VERSION, **cfg.to_dict()}).encode("utf-8")


def save(cfg: StationConfig, data_dir: Path) -> Path:
    """Write `cfg` as station.toml; a key the environment sets keeps the file's own value (or stays out of it)."""
    path = Path(data_dir) / CONFIG_NAME
    validate(cfg, path)
    write_bytes_atomic(path, to_toml(_without_environment(cfg, path)))
    return path


def _without_environment(cfg: StationConfig, path: Path) -> StationConfig:
    from .environment import overrides

    _, names = overrides()
    if not names:
        return cfg
    try:
        on_disk = migrate(tomllib.loads(path.read_text(encoding="utf-8")), path) if path.exists() else {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, ConfigError):
        on_disk = {}
    document = cfg.to_dict()
    for key in names:
        table, _, name = key.rpartition(".")
        into, there = (document[table], on_disk.get(table, {})) if table else (document, on_disk)
        if name in there:
            into[name] = there[name]
        else:
            into.pop(name, None)
    return parse(document, path)
