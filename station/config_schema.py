"""The typed schema of the station's settings: every key's type and allowed values, checked strictly.

Strict means no guessing: `good = "false"` (quoted) is text, not a boolean, and is refused instead of
being read as true; a number in quotes is refused too. A whole number is fine where a number is expected.
Each field's description says what is allowed; it is also what an error message quotes.

The classes are pydantic dataclasses, so they validate on construction (and in `dataclasses.replace`),
while attribute access, `dataclasses.replace` and `dataclasses.asdict` work as with plain dataclasses.
Assigning an attribute is not checked (tests and benchmarks tune values in memory); `config.validate`
checks a whole configuration again before it is saved.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import asdict, field
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlparse

from pydantic import AfterValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from .errors import StationError
from .capture import kinds as source_kinds
from .catalog import FAMILY_BY_KEY, TRAINED_FAMILIES, PartClass
from .models import check_b_kinds
from .messages import Message

CHECK_B_KINDS = check_b_kinds.NAMES  # one table each: station.models.check_b_kinds, station.capture.kinds
SOURCE_KINDS = source_kinds.NAMES
DEVICES = ("auto", "cpu", "cuda")
FAMILIES = tuple(f.key for f in TRAINED_FAMILIES)  # a station's demo classes: the families its models know

# No str -> bool/number coercion, no unknown keys, no NaN or infinity (a NaN threshold compares false with everything).
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class ConfigError(StationError):
    """The settings file is wrong; the message names the file, the key and the fix."""

    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.errors = errors or []  # pydantic's error details, when the schema refused a value


# ------------------------------------------------------------------ field types


class ReadAtStart:
    """Field metadata: the running station reads this key once, when it starts; a change waits for a restart."""

    def __repr__(self) -> str:
        return "READ_AT_START"


READ_AT_START = ReadAtStart()
T = TypeVar("T")
AtStart = Annotated[T, READ_AT_START]  # `window: AtStart[Frames] = 50`


def _g(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def number(lo: float, hi: float, what: str = "a number", description: str = ""):
    """A float field from lo to hi (inclusive); ints are accepted."""
    return Annotated[float, Field(ge=lo, le=hi, description=description or f"{what} from {_g(lo)} to {_g(hi)}")]


def whole(lo: int, hi: int | None = None, what: str = "a whole number"):
    """An int field (true/false are not numbers here)."""
    text = f"{what} from {lo} to {hi}" if hi is not None else f"{what} of at least {lo}"
    return Annotated[int, Field(ge=lo, le=hi, description=text)]


def one_of(values: tuple[str, ...]):
    return Annotated[Literal[values], Field(description="one of " + ", ".join(values))]


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError(Message("settings.blank"))
    return text


Flag = Annotated[bool, Field(description="true or false")]
Text = Annotated[str, Field(description="a text (in quotes)")]
Name = Annotated[str, AfterValidator(_not_blank), Field(description="a non-empty text")]
Prompts = Annotated[list[Annotated[str, AfterValidator(_not_blank)]],
                    Field(min_length=1, description="a list of one or more non-empty texts")]


def _opc_endpoint(text: str) -> str:
    url = urlparse(text)
    try:
        port = url.port  # raises for a port outside 0..65535
    except ValueError:
        port = None
    if url.scheme != "opc.tcp" or not url.hostname or not port:
        raise ValueError("not an OPC UA endpoint")
    return text


OpcEndpoint = Annotated[str, AfterValidator(_opc_endpoint), Field(
    description="an OPC UA endpoint such as \"opc.tcp://0.0.0.0:4840/station/\" (opc.tcp://, a host, a port from 1 to 65535)")]

# Confidence thresholds. 0 would let every opinion decide automatically. A softmax's top class always has
# at least 1/(number of classes) confidence, so a threshold at or below 1/20 = 0.05 filters nothing for any
# list of up to 20 classes: 0.05 refuses such values without refusing any threshold that does something.
Confidence = number(0.05, 1.0, description="a confidence from 0.05 to 1")
# The review share that trips the fail-safe: 0 would trip on the first review, 1 could never trip.
ReviewShare = number(0.01, 0.99, description="a share from 0.01 to 0.99 (1 would mean the fail-safe never trips)")
Days = number(0, 366, description="a number of days from 0 (not scheduled) to 366")
CosineDistance = number(0.0, 2.0, description="a cosine distance from 0 (use the bank's calibration) to 2")
Share = number(0.0, 1.0, "a share")
Frames = whole(1, 100_000, "a whole number of frames")
Seed = whole(0)
Fps = number(0.0, 1000.0, description="frames per second from 0 (as fast as possible) to 1000")
Pixels = whole(10_000, 400_000_000, "a whole number of pixels")
Minutes = number(0.1, 1440.0, "a number of minutes")
HoldSeconds = number(0, 600, description="a number of seconds from 0 (until the operator confirms) to 600")
Neighbours = whole(1, 50)
PerClient = whole(1, 16, "a whole number of connections")
IdleSeconds = number(2.0, 3600.0, description="a number of seconds from 2 to 3600")
Threads = whole(0, 256, "a whole number of threads (0: chosen by the station)")


def _networks(text: str) -> str:
    from .links.guard import parse_networks

    parse_networks(text)  # ValueError names the entry that is no address or network
    return text


def _station_name(text: str) -> str:
    from .storage.plant import STATION_NAME

    if text and not STATION_NAME.fullmatch(text):
        raise ValueError("not a station name")
    return text


StationName = Annotated[str, AfterValidator(_station_name), Field(
    description="up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. \"line-3-camera-1\"")]

Networks = Annotated[str, AfterValidator(_networks), Field(
    description="addresses or networks separated by commas, e.g. \"192.168.10.0/24, 10.1.2.3\" (empty: any)")]
Port = whole(1, 65535, "a port number")
ReviewTarget = number(0.001, 0.2, "a share")
SourceKind, Family, CheckBKind, Device = one_of(SOURCE_KINDS), one_of(FAMILIES), one_of(CHECK_B_KINDS), one_of(DEVICES)


# ------------------------------------------------------------------ error wording


def _fields(cls) -> dict:
    return getattr(cls, "__pydantic_fields__", {})


def bounds(cls, name: str) -> tuple[float | None, float | None]:
    """(lowest, highest) allowed for a numeric field, for widgets that should offer only valid values."""
    lo = hi = None
    for m in _fields(cls)[name].metadata:
        lo = getattr(m, "ge", getattr(m, "gt", lo))
        hi = getattr(m, "le", getattr(m, "lt", hi))
    return lo, hi


def unknown_keys(where: str, unknown: list[str], known: list[str]) -> str:
    """'unknown key(s) x in [t]; known: ...', with a guess for a misspelling."""
    names = ", ".join(sorted(map(str, unknown)))
    text = f"unknown key(s) {names} in {where or 'the top level'}; known: {', '.join(known)}"
    guesses = [g for u in unknown for g in difflib.get_close_matches(str(u), known, n=1)]
    return text + (f" (did you mean {', '.join(guesses)}?)" if guesses else "")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _say(cls, where: str, err: dict) -> str:
    """One pydantic error as a sentence naming the key and what is allowed."""
    loc, kind, fields = err["loc"], err["type"], _fields(cls)
    if not loc:  # a rule across several keys (a model validator): its text says everything
        return str(err.get("ctx", {}).get("error", err["msg"]))
    name = loc[0]
    if isinstance(name, int):  # positional arguments: pydantic counts them
        if name >= len(fields):
            return f"{where}: too many values ({len(fields)} keys: {', '.join(fields)})"
        name = list(fields)[name]
    key = f"{where} {name}".strip()
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return unknown_keys(where, [name], list(fields))
    info = fields.get(name)
    allowed = (info.description if info is not None else None) or "valid"
    if kind in ("missing", "missing_keyword_argument"):
        return f"{key} is missing; it must be {allowed}"
    item = f" (item {loc[1] + 1})" if len(loc) > 1 and isinstance(loc[1], int) else ""
    quoted = isinstance(err.get("input"), str) and kind in ("bool_type", "int_type", "float_type")
    hint = " (a text in quotes; write the value without quotes)" if quoted else ""
    return f"{key} must be {allowed}, got {_short(err.get('input'))}{item}{hint}"


def explain(cls, errors: list, where: str, path=None) -> str:
    text = "; ".join(dict.fromkeys(_say(cls, where, e) for e in errors))
    return f"{path}: {text}" if path else text


def explained(where: str):
    """Class decorator: a refused construction raises ConfigError (worded for `where`) instead of ValidationError."""

    def wrap(cls):
        init = cls.__init__

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            try:
                init(self, *args, **kwargs)
            except ValidationError as e:
                errors = e.errors(include_url=False)
                raise ConfigError(explain(cls, errors, where), errors) from None

        cls.__init__ = __init__
        cls.where = where
        return cls

    return wrap


# ------------------------------------------------------------------ the schema


@explained("[[classes]]")
@dataclass(config=STRICT)
class ClassSpec:
    key: Name  # stable id shared by both checks, e.g. "washer/scratch"
    name: Name  # shown to people, e.g. "scratched washer"
    prompts: Prompts  # averaged for check A
    good: Flag
    name_ja: Text = ""  # shown in the Japanese window, e.g. "座金（傷）"; empty: `name`


@explained("[thresholds]")
@dataclass(config=STRICT)
class Thresholds:
    conf_a: Confidence = 0.5  # check A's softmax confidence needed for an automatic verdict
    conf_b: Confidence = 0.7


@explained("[failsafe]")
@dataclass(config=STRICT)
class FailSafe:
    window: AtStart[Frames] = 50  # frames considered
    max_review_share: AtStart[ReviewShare] = 0.6  # above this share of REVIEW the station goes to manual mode
    min_frames: AtStart[Frames] = 20  # no trip before this many frames in the window

    @model_validator(mode="after")
    def _fits_window(self):
        if self.min_frames > self.window:
            raise ValueError(Message("settings.min_frames", window=self.window, min_frames=self.min_frames))
        return self


@explained("[source]")
@dataclass(config=STRICT)
class SourceSpec:
    kind: SourceKind = "synthetic"
    target: Text = ""
    defect_rate: Share = 0.2
    family: Family = "washer"
    seed: Seed = 0
    fps: Fps = 0.0
    # image files larger than this are skipped before they are decoded
    max_pixels: Pixels = 30_000_000

    @model_validator(mode="after")
    def _has_target(self):
        if source_kinds.KINDS[self.kind].needs_target and not self.target:
            raise ValueError(Message("settings.source_target", kind=self.kind))
        return self


@explained("[model]")
@dataclass(config=STRICT)
class ModelSpec:
    clip: AtStart[Text] = "demo"  # "demo", a model folder, or a checkpoint file (then clip_arch)
    clip_arch: AtStart[Text] = ""
    clip_quick_gelu: AtStart[Flag] = False
    check_b: AtStart[CheckBKind] = "demo_cnn"
    check_b_path: AtStart[Text] = ""  # for linear_probe / torchscript / onnx
    device: AtStart[Device] = "auto"
    threads: AtStart[Threads] = 0  # torch's threads for the checks; 0: OMP_NUM_THREADS, else half the cores

    @model_validator(mode="after")
    def _has_path(self):
        if check_b_kinds.KINDS[self.check_b].needs_path and not self.check_b_path:
            raise ValueError(f"[model] check_b = '{self.check_b}' needs check_b_path")
        return self


@explained("[ui]")
@dataclass(config=STRICT)
class UiSpec:
    # the station application signs a user out after this long untouched
    idle_signout_minutes: Minutes = 15.0
    # the window's language, from the next start: auto (the system's: Japanese on a Japanese system), en, ja
    language: AtStart[one_of(("auto", "en", "ja"))] = "auto"
    # a part that needs a person holds the live page's banner this long, or until the operator confirms it
    # was taken off the line (0: until confirmed)
    review_hold_seconds: HoldSeconds = 10.0


@explained("[schedule]")
@dataclass(config=STRICT)
class ScheduleSpec:
    """How often each self-test comes due, in days (0: not scheduled). The backdoor probe measures the
    foundation model with and without the active prompts, so it is also the prompts' periodic re-evaluation."""

    prm_every_days: Days = 7.0
    backdoor_every_days: Days = 30.0


@explained("[gate]")
@dataclass(config=STRICT)
class GateSpec:
    """The input gate (station.gate): no part, no pass."""

    enabled: AtStart[Flag] = True
    neighbours: AtStart[Neighbours] = 5  # k of the k-th nearest neighbour distance
    # share of clean held-out frames the calibration may send to review
    false_review_target: AtStart[ReviewTarget] = 0.01
    max_appearance_distance: AtStart[CosineDistance] = 0.0  # 0: the reference bank's calibrated threshold
    max_layout_distance: AtStart[CosineDistance] = 0.0  # 0: the reference bank's calibrated threshold


@explained("[links]")
@dataclass(config=STRICT)
class LinksSpec:
    """Plant links (station.links): a PLC triggers inspections and reads the verdict back. All off by default;
    `station serve` starts the enabled ones."""

    opcua_enabled: AtStart[Flag] = False
    opcua_endpoint: AtStart[OpcEndpoint] = "opc.tcp://0.0.0.0:4840/station/"
    # anyone who reaches the port may read and trigger: only on a closed cell network
    opcua_anonymous: AtStart[Flag] = False
    opcua_user: AtStart[Text] = ""  # the one account a PLC signs in with
    # a file (0600) holding that account's password: never the password itself here
    opcua_password_file: AtStart[Text] = ""
    # the server's certificate: Basic256Sha256 SignAndEncrypt instead of plain text
    opcua_certificate: AtStart[Text] = ""
    opcua_private_key: AtStart[Text] = ""
    # a folder of client certificates allowed to connect (and to sign in by them)
    opcua_trusted_clients: AtStart[Text] = ""
    modbus_enabled: AtStart[Flag] = False
    modbus_host: AtStart[Name] = "0.0.0.0"
    modbus_port: AtStart[Port] = 5020
    hardware_trigger: AtStart[Flag] = False  # `station serve` inspects one frame per trigger instead of every frame
    # a PLC may switch the live product by its recipe number (changeover; see `station product recipe`)
    recipe_select: AtStart[Flag] = False
    # who may connect: PLC addresses or networks, comma-separated ("192.168.10.0/24, 10.1.2.3"); empty: any
    allowed_clients: AtStart[Networks] = ""
    connections_per_client: AtStart[PerClient] = 4  # one address cannot take all of a link's 16 connections
    # a Modbus connection without a request, or an OPC UA one not signed in, is closed after this long
    idle_timeout_seconds: AtStart[IdleSeconds] = 10.0

    @model_validator(mode="after")
    def _opcua_is_secured(self):
        if not self.opcua_enabled:
            return self
        if bool(self.opcua_user) != bool(self.opcua_password_file):
            raise ValueError("[links] opcua_user and opcua_password_file go together: set both (the password file "
                             "holds the PLC account's password, one line), or neither")
        if bool(self.opcua_certificate) != bool(self.opcua_private_key):
            raise ValueError("[links] opcua_certificate and opcua_private_key go together: set both, or neither")
        if self.opcua_trusted_clients and not self.opcua_certificate:
            raise ValueError("[links] opcua_trusted_clients needs opcua_certificate and opcua_private_key (client "
                             "certificates are checked on an encrypted connection)")
        if not (self.opcua_anonymous or self.opcua_user or self.opcua_trusted_clients):
            raise ValueError("[links] opcua_enabled = true lets nobody in: set opcua_user and opcua_password_file "
                             "(a PLC account), or opcua_certificate, opcua_private_key and opcua_trusted_clients "
                             "(PLCs sign in by certificate), or opcua_anonymous = true (a closed cell network only)")
        return self


def family_classes(family: str) -> list[ClassSpec]:
    if family not in FAMILIES:
        raise ConfigError(f"unknown part family '{family}'; choose one of {', '.join(FAMILIES)}")
    fam = FAMILY_BY_KEY[family]
    return [
        ClassSpec(pc.key, pc.label, pc.prompt_texts(), pc.good, pc.label_ja)
        for pc in (PartClass(fam, c) for c in fam.conditions)
    ]


@explained("[plant]")
@dataclass(config=STRICT)
class PlantSpec:
    """The plant this station forwards what it records to (`station forward`, station.forwarding); off while
    database_url is empty. The plant database's password: PGPASSWORD or ~/.pgpass; an S3 store's keys:
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. None of them is written here."""

    # read when `station forward` starts
    station: AtStart[StationName] = ""  # this station's name on every record it forwards
    database_url: AtStart[Text] = ""  # the plant's database, e.g. "postgresql+psycopg://station@plant-db/plant"
    objects: AtStart[Text] = ""  # the plant's object store: a folder, or an S3 bucket as "http://host:port/bucket"
    desk_key: AtStart[Text] = ""  # a review desk's private key (station pack keygen): it signs each decision
    # at each changeover to a product, take the plant's newer offered version of it (products only, unsigned: a
    # manager here reads its report and signs it before it may go live)
    install_at_changeover: AtStart[Flag] = False

    @model_validator(mode="after")
    def _complete(self):
        if self.database_url and not (self.station and self.objects):
            raise ValueError("a plant needs station (this station's name) and objects (where its frames go) too")
        return self


@explained("")
@dataclass(config=STRICT)
class StationConfig:
    name: AtStart[Text] = "Inspection station"
    database_url: AtStart[Text] = ""  # empty: SQLite in the data directory; its password: station.environment
    database_password_file: AtStart[Text] = ""  # a file (0600) holding the database password, if not in the environment
    classes: AtStart[list[ClassSpec]] = field(default_factory=lambda: family_classes("washer"))
    thresholds: Thresholds = field(default_factory=Thresholds)
    failsafe: FailSafe = field(default_factory=FailSafe)
    source: SourceSpec = field(default_factory=SourceSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    ui: UiSpec = field(default_factory=UiSpec)
    schedule: ScheduleSpec = field(default_factory=ScheduleSpec)
    gate: GateSpec = field(default_factory=GateSpec)
    links: LinksSpec = field(default_factory=LinksSpec)
    plant: PlantSpec = field(default_factory=PlantSpec)

    @model_validator(mode="after")
    def _classes_can_decide(self):
        keys = [c.key for c in self.classes]
        if len(self.classes) < 2:
            raise ValueError(Message("settings.too_few_classes"))
        if len(set(keys)) != len(keys):
            raise ValueError(Message("settings.repeated_keys", keys=sorted({k for k in keys if keys.count(k) > 1})))
        if not any(c.good for c in self.classes):
            raise ValueError(Message("settings.no_good_class"))
        if all(c.good for c in self.classes):
            raise ValueError(Message("settings.all_good"))
        return self

    def to_dict(self) -> dict:
        return asdict(self)


def read_at_start(key: str) -> bool:
    """Whether the running station uses a changed `key` ('thresholds.conf_a', 'classes') only from its next start:
    the READ_AT_START mark on its field (a section's sub-key, or a top-level key)."""
    section, _, name = key.partition(".")
    cls, name = (SECTIONS[section], name) if name and section in SECTIONS else (StationConfig, section)
    info = _fields(cls).get(name)
    return info is not None and any(isinstance(m, ReadAtStart) for m in info.metadata)


SECTIONS = {"thresholds": Thresholds, "failsafe": FailSafe, "source": SourceSpec, "model": ModelSpec,
            "ui": UiSpec, "schedule": ScheduleSpec, "gate": GateSpec, "links": LinksSpec, "plant": PlantSpec}
TOP_KEYS = ("name", "database_url", "database_password_file")
