"""Station settings: a TOML file in the data directory, validated with clear errors.

A new station starts from defaults: the bundled demo models, the simulated
camera and the washer family's classes.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

from .fileio import write_bytes_atomic
from .synth.catalog import FAMILY_BY_KEY, PartClass
from .errors import StationError

CONFIG_NAME = "station.toml"
CHECK_B_KINDS = ("demo_cnn", "linear_probe", "torchscript", "onnx")
SOURCE_KINDS = ("synthetic", "folder", "video", "camera", "rtsp")


class ConfigError(StationError):
    """The settings file is wrong; the message names the file, the key and the fix."""


@dataclass
class ClassSpec:
    key: str  # stable id shared by both checks, e.g. "washer/scratch"
    name: str  # shown to people, e.g. "scratched washer"
    prompts: list[str]  # averaged for check A
    good: bool


@dataclass
class Thresholds:
    conf_a: float = 0.5  # check A's softmax confidence needed for an automatic verdict
    conf_b: float = 0.7


@dataclass
class FailSafe:
    window: int = 50  # frames considered
    max_review_share: float = 0.6  # above this share of REVIEW the station goes to manual mode
    min_frames: int = 20  # no trip before this many frames in the window


@dataclass
class SourceSpec:
    kind: str = "synthetic"
    target: str = ""
    defect_rate: float = 0.2
    family: str = "washer"
    seed: int = 0
    fps: float = 0.0  # 0: as fast as the station can inspect
    max_pixels: int = 30_000_000  # image files larger than this are skipped before they are decoded


@dataclass
class ModelSpec:
    clip: str = "demo"  # "demo", a model folder, or a checkpoint file (then clip_arch)
    clip_arch: str = ""
    clip_quick_gelu: bool = False
    check_b: str = "demo_cnn"
    check_b_path: str = ""  # for linear_probe / torchscript / onnx
    device: str = "auto"  # auto | cpu | cuda


@dataclass
class UiSpec:
    idle_signout_minutes: float = 15.0  # the station application signs a user out after this long untouched


@dataclass
class ScheduleSpec:
    """How often each self-test comes due, in days (0: not scheduled). The backdoor probe measures the
    foundation model with and without the active prompts, so it is also the prompts' periodic re-evaluation."""

    prm_every_days: float = 7.0
    backdoor_every_days: float = 30.0


@dataclass
class GateSpec:
    """The input gate (station.gate): no part, no pass."""

    enabled: bool = True
    neighbours: int = 5  # k of the k-th nearest neighbour distance
    false_review_target: float = 0.01  # share of clean held-out frames the calibration may send to review
    max_appearance_distance: float = 0.0  # 0: the reference bank's calibrated threshold
    max_layout_distance: float = 0.0  # 0: the reference bank's calibrated threshold


@dataclass
class StationConfig:
    name: str = "Inspection station"
    database_url: str = ""  # empty: SQLite in the data directory
    classes: list[ClassSpec] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)
    failsafe: FailSafe = field(default_factory=FailSafe)
    source: SourceSpec = field(default_factory=SourceSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    ui: UiSpec = field(default_factory=UiSpec)
    schedule: ScheduleSpec = field(default_factory=ScheduleSpec)
    gate: GateSpec = field(default_factory=GateSpec)

    def to_dict(self) -> dict:
        return asdict(self)


def family_classes(family: str) -> list[ClassSpec]:
    if family not in FAMILY_BY_KEY:
        raise ConfigError(f"unknown part family '{family}'; choose one of {', '.join(FAMILY_BY_KEY)}")
    fam = FAMILY_BY_KEY[family]
    return [
        ClassSpec(pc.key, pc.label, pc.prompt_texts(), pc.good)
        for pc in (PartClass(fam, c) for c in fam.conditions)
    ]


def default_config(family: str = "washer") -> StationConfig:
    cfg = StationConfig(classes=family_classes(family))
    cfg.source.family = family
    return cfg


def _section(raw: dict, name: str, cls, path: Path):
    data = raw.get(name, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = set(cls.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} in [{name}]; known: {', '.join(sorted(known))}")
    try:
        return cls(**data)
    except TypeError as e:
        raise ConfigError(f"{path}: [{name}]: {e}") from e


def validate(cfg: StationConfig, path: Path | str = CONFIG_NAME) -> StationConfig:
    def fail(msg: str):
        raise ConfigError(f"{path}: {msg}")

    if len(cfg.classes) < 2:
        fail("at least two [[classes]] are needed (one good, one defect)")
    keys = [c.key for c in cfg.classes]
    if len(set(keys)) != len(keys):
        fail(f"class keys must be unique; repeated: {sorted({k for k in keys if keys.count(k) > 1})}")
    if not any(c.good for c in cfg.classes):
        fail("no class is marked good = true; the station could never PASS a part")
    if all(c.good for c in cfg.classes):
        fail("every class is marked good; the station could never FAIL a part")
    for c in cfg.classes:
        if not c.prompts or not all(isinstance(p, str) and p.strip() for p in c.prompts):
            fail(f"class '{c.key}' needs at least one non-empty prompt text")
    for name in ("conf_a", "conf_b"):
        v = getattr(cfg.thresholds, name)
        if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
            fail(f"[thresholds] {name} must be a number from 0 to 1, got {v!r}")
    fs = cfg.failsafe
    if not (isinstance(fs.window, int) and fs.window >= 1):
        fail(f"[failsafe] window must be a whole number of frames >= 1, got {fs.window!r}")
    if not 0.0 < fs.max_review_share <= 1.0:
        fail(f"[failsafe] max_review_share must be above 0 and at most 1, got {fs.max_review_share!r}")
    if cfg.source.kind not in SOURCE_KINDS:
        fail(f"[source] kind must be one of {', '.join(SOURCE_KINDS)}, got {cfg.source.kind!r}")
    if cfg.source.kind != "synthetic" and not cfg.source.target:
        fail(f"[source] kind = '{cfg.source.kind}' needs a target (path, camera number or URL)")
    mp = cfg.source.max_pixels
    if isinstance(mp, bool) or not isinstance(mp, int) or not 10_000 <= mp <= 400_000_000:
        fail(f"[source] max_pixels must be a whole number of pixels from 10000 to 400000000, got {mp!r}")
    if not 0.0 <= cfg.source.defect_rate <= 1.0:
        fail(f"[source] defect_rate must be from 0 to 1, got {cfg.source.defect_rate!r}")
    if cfg.model.check_b not in CHECK_B_KINDS:
        fail(f"[model] check_b must be one of {', '.join(CHECK_B_KINDS)}, got {cfg.model.check_b!r}")
    if cfg.model.check_b in ("torchscript", "onnx", "linear_probe") and not cfg.model.check_b_path:
        fail(f"[model] check_b = '{cfg.model.check_b}' needs check_b_path")
    if not isinstance(cfg.ui.idle_signout_minutes, (int, float)) or cfg.ui.idle_signout_minutes < 0.1:
        fail(f"[ui] idle_signout_minutes must be a number of minutes of at least 0.1, got {cfg.ui.idle_signout_minutes!r}")
    for name in ("prm_every_days", "backdoor_every_days"):
        v = getattr(cfg.schedule, name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 366:
            fail(f"[schedule] {name} must be a number of days from 0 (not scheduled) to 366, got {v!r}")
    g = cfg.gate
    if not isinstance(g.enabled, bool):
        fail(f"[gate] enabled must be true or false, got {g.enabled!r}")
    if isinstance(g.neighbours, bool) or not isinstance(g.neighbours, int) or not 1 <= g.neighbours <= 50:
        fail(f"[gate] neighbours must be a whole number from 1 to 50, got {g.neighbours!r}")
    if isinstance(g.false_review_target, bool) or not isinstance(g.false_review_target, (int, float)) \
            or not 0.001 <= g.false_review_target <= 0.2:
        fail(f"[gate] false_review_target must be a share from 0.001 to 0.2, got {g.false_review_target!r}")
    for name in ("max_appearance_distance", "max_layout_distance"):
        v = getattr(g, name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 2.0:
            fail(f"[gate] {name} must be a cosine distance from 0 (use the bank's calibration) to 2, got {v!r}")
    if cfg.model.device not in ("auto", "cpu", "cuda"):
        fail(f"[model] device must be auto, cpu or cuda, got {cfg.model.device!r}")
    return cfg


def parse(raw: dict, path: Path | str = CONFIG_NAME) -> StationConfig:
    path = Path(path)
    top = {k: v for k, v in raw.items() if not isinstance(v, (dict, list))}
    unknown = set(top) - {"name", "database_url"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    classes = []
    for i, c in enumerate(raw.get("classes", [])):
        if not isinstance(c, dict):
            raise ConfigError(f"{path}: [[classes]] entry {i + 1} must be a table")
        missing = {"key", "name", "prompts", "good"} - set(c)
        if missing:
            raise ConfigError(f"{path}: [[classes]] entry {i + 1} lacks {', '.join(sorted(missing))}")
        if not isinstance(c["prompts"], list):
            raise ConfigError(f"{path}: [[classes]] '{c['key']}': prompts must be a list of texts")
        classes.append(ClassSpec(str(c["key"]), str(c["name"]), list(c["prompts"]), bool(c["good"])))
    cfg = StationConfig(
        name=str(raw.get("name", StationConfig.name)),
        database_url=str(raw.get("database_url", "")),
        classes=classes or default_config().classes,
        thresholds=_section(raw, "thresholds", Thresholds, path),
        failsafe=_section(raw, "failsafe", FailSafe, path),
        source=_section(raw, "source", SourceSpec, path),
        model=_section(raw, "model", ModelSpec, path),
        ui=_section(raw, "ui", UiSpec, path),
        schedule=_section(raw, "schedule", ScheduleSpec, path),
        gate=_section(raw, "gate", GateSpec, path),
    )
    return validate(cfg, path)


def load(data_dir: Path) -> StationConfig:
    """The station's settings; written with defaults on first use."""
    path = Path(data_dir) / CONFIG_NAME
    if not path.exists():
        cfg = default_config()
        save(cfg, data_dir)
        return cfg
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e}); fix the file or delete it to start from defaults") from e
    return parse(raw, path)


def save(cfg: StationConfig, data_dir: Path) -> Path:
    validate(cfg)
    path = Path(data_dir) / CONFIG_NAME
    write_bytes_atomic(path, tomli_w.dumps(cfg.to_dict()).encode("utf-8"))
    return path
