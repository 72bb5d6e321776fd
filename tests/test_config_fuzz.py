"""Property tests for the settings reader: any input gives a ConfigError or a valid configuration, nothing else."""

import copy
import tempfile
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station import config
from station.config import ConfigError, StationConfig
from station.config_schema import FAMILIES

FAST = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FILE = "fuzz/station.toml"

# Known names are drawn often, so that random documents reach the schema and not only the unknown-key check.
KNOWN = sorted({"classes", *config.TOP_KEYS, *config.SECTIONS, "key", "name", "prompts", "good",
                *(k for cls in config.SECTIONS.values() for k in cls.__pydantic_fields__)})
keys = st.sampled_from(KNOWN) | st.text(max_size=12)
scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.integers(min_value=-3, max_value=120)  # near the allowed ranges
    | st.floats()  # NaN and infinities included, as TOML allows them
    | st.floats(min_value=-0.5, max_value=1.5)
    | st.text(max_size=16)
    | st.sampled_from(["true", "false", "0.5", "", " ", "synthetic", "camera", "onnx", "cpu", "washer"])
    | st.datetimes() | st.dates() | st.times()
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                      max_leaves=12)
documents = st.dictionaries(keys, values, max_size=8)


def like(value) -> st.SearchStrategy:
    """Values of the same TOML type as `value`, mostly near the allowed ranges."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(min_value=-2, max_value=200) | st.integers(min_value=9_000, max_value=500_000_000)
    if isinstance(value, float):
        return st.floats(min_value=-0.2, max_value=1.2) | st.integers(min_value=0, max_value=400)
    if isinstance(value, str):
        words = ["synthetic", "folder", "camera", "onnx", "auto", "cuda", "hex_nut"]
        return st.sampled_from(words) | st.text(max_size=8)
    if isinstance(value, list):
        return st.lists(st.text(max_size=8), max_size=3)
    return values


@st.composite
def mutated_configs(draw) -> dict:
    """A valid configuration's dictionary with a few keys replaced, removed, added or renamed."""
    raw = config.default_config(draw(st.sampled_from(FAMILIES))).to_dict()
    for _ in range(draw(st.sampled_from([1, 1, 2, 4]))):
        tables = [raw] + [t for t in raw.values() if isinstance(t, dict)]
        if isinstance(raw.get("classes"), list):
            tables += [c for c in raw["classes"] if isinstance(c, dict)]
        table = draw(st.sampled_from(tables))
        op = draw(st.sampled_from(["nudge", "nudge", "set", "set", "delete", "rename"]))
        key = draw(st.sampled_from(sorted(table)) | keys) if table else draw(keys)
        if op == "nudge" and key in table:  # same type, another value: often still valid
            table[key] = draw(like(table[key]))
        elif op in ("set", "nudge"):
            table[key] = draw(values)
        elif op == "delete":
            table.pop(key, None)
        elif key in table:
            table[draw(keys)] = table.pop(key)
    return raw


def assert_clean_outcome(raw: dict) -> None:
    try:
        cfg = config.parse(copy.deepcopy(raw), FILE)
    except ConfigError as e:
        assert FILE in str(e)  # every message names the file
        return
    assert isinstance(cfg, StationConfig)
    assert config.validate(cfg) is cfg
    with tempfile.TemporaryDirectory() as tmp:  # what was accepted can be saved and reads back the same
        config.save(cfg, Path(tmp))
        assert config.load(Path(tmp)) == cfg


@FAST
@given(documents)
def test_parse_of_any_document_is_an_error_or_valid(raw):
    assert_clean_outcome(raw)


@FAST
@given(mutated_configs())
def test_parse_of_a_mutated_valid_config_is_an_error_or_valid(raw):
    assert_clean_outcome(raw)


VALID_TOML = tomli_w.dumps(config.default_config().to_dict())


def _spliced(at: int, cut: int, insert: str) -> str:
    """The valid file with `cut` characters at `at` replaced by `insert`: almost-right files."""
    at %= len(VALID_TOML)
    return VALID_TOML[:at] + insert + VALID_TOML[at + cut:]


texts = st.text(max_size=200) | st.builds(_spliced, st.integers(min_value=0, max_value=10_000),
                                          st.integers(min_value=0, max_value=20), st.text(max_size=20))


@FAST
@given(texts)
def test_load_of_any_text_is_an_error_or_valid(tmp_path, text):
    (tmp_path / config.CONFIG_NAME).write_text(text, encoding="utf-8")
    try:
        cfg = config.load(tmp_path)
    except ConfigError as e:
        assert str(tmp_path / config.CONFIG_NAME) in str(e)
        return
    assert config.validate(cfg) is cfg


@FAST
@given(st.binary(max_size=200))
def test_load_of_any_bytes_is_an_error_or_valid(tmp_path, data):
    (tmp_path / config.CONFIG_NAME).write_bytes(data)
    try:
        config.load(tmp_path)
    except ConfigError:
        pass

