"""RVPT prompt sets, the vision model and the input gate's bank, for managers in the GUI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..auth import User, acting
from ..progress import QUIET, Announced, Progress
from ..storage.models import PromptSet
from ..messages import Message
from ..jobs import Job
from ..prompts.recipe import RvptRecipe  # noqa: F401  (re-exported for the window)

TUNING_JOB, BANK_JOB = Job.TUNING, Job.BANK


@dataclass(frozen=True)
class PromptSetSummary:
    id: int
    name: str
    version: int
    created_at: datetime
    tokens_per_block: int
    first_prompted_block: int
    metrics: dict = field(default_factory=dict)
    active: bool = False
    usable: bool = True  # made for the vision model the station runs now
    recipe: dict = field(default_factory=dict)  # how it was tuned (D, b, alpha, epochs, ...)
    base_model_sha256: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


def _summary(row: PromptSet, model_sha256: str) -> PromptSetSummary:
    return PromptSetSummary(row.id, row.name, row.version, row.created_at, row.tokens_per_block,
                            row.first_prompted_block, dict(row.metrics or {}), bool(row.active),
                            row.base_model_sha256 == model_sha256, dict((row.meta or {}).get("recipe") or {}),
                            row.base_model_sha256)


def _model_sha(records) -> str:
    """The configured vision model's fingerprint, from its manifest (no model loaded)."""
    from ..models.identity import foundation_sha256

    return foundation_sha256(records.config, records.data_dir)


def _files_fit(records) -> tuple[str, dict]:
    """The vision model's fingerprint and what a set must fit, read from the files (no model loaded)."""
    from ..models.identity import encoder_shape, station_texts_sha256

    cfg = records.config
    return _model_sha(records), {"encoder_shape": encoder_shape(cfg, records.data_dir),
                                 "texts_sha256": station_texts_sha256(cfg)}


def prompt_sets_on_disk(records) -> list[PromptSetSummary]:
    """Every prompt set, oldest first, judged usable against the model the settings name (nothing loaded; a model
    that cannot be read makes none usable, and the list is still shown)."""
    from ..errors import StationError

    try:
        model_sha = _model_sha(records)
    except StationError:
        model_sha = ""
    with records.db.session() as s:
        return [_summary(r, model_sha) for r in s.scalars(select(PromptSet).order_by(PromptSet.id))]


def _row(session, prompt_set_id: int) -> PromptSet:
    from ..prompts.registry import PromptSetError

    row = session.get(PromptSet, prompt_set_id)
    if row is None:
        raise PromptSetError(f"prompt set {prompt_set_id} does not exist (see: station prompts list)")
    return row


def prompt_set_details(records, prompt_set_id: int) -> dict:
    """Everything recorded of one prompt set, as plain values."""
    with records.db.session() as s:
        r = _row(s, prompt_set_id)
        return {"id": r.id, "name": r.name, "version": r.version, "active": r.active, "path": r.path,
                "sha256": r.sha256, "base_model_sha256": r.base_model_sha256, "D": r.first_prompted_block,
                "b": r.tokens_per_block, "classes": r.classes, "metrics": r.metrics, "meta": r.meta}


def export_prompt_set(records, prompt_set_id: int, out: Path | str) -> PromptSetSummary:
    """Copy a prompt set's file to `out`, checked against its recorded sha256 first."""
    import shutil

    from ..prompts.files import load_prompt_set
    from ..prompts.registry import file_of

    model_sha = _model_sha(records)
    with records.db.session() as s:
        r = _row(s, prompt_set_id)
        load_prompt_set(file_of(r, records.data_dir), expected_sha256=r.sha256)
        shutil.copyfile(file_of(r, records.data_dir), out)
        return _summary(r, model_sha)


def import_prompt_set(records, user: User | None, path: Path | str, name: str = "") -> PromptSetSummary:
    """Register a prompt set file (a manager; checked, copied into the station, audited); not live yet."""
    from ..prompts.registry import register

    model_sha = _model_sha(records)
    with records.db.transaction() as s:
        return _summary(register(s, records.data_dir, Path(path), acting(s, user), name=name), model_sha)


def activate_on_disk(records, user: User | None, prompt_set_id: int | None, reason: str = "") -> PromptSetSummary | None:
    """From the command line, beside a running station: make a set live (None: roll back to the one before),
    checked against the model files; a running station takes it at its next start or reload."""
    from ..prompts.registry import activate, rollback

    model_sha, fit_files = _files_fit(records)
    with records.db.transaction() as s:
        by = acting(s, user)
        row = (rollback(s, model_sha, by, **fit_files) if prompt_set_id is None
               else activate(s, prompt_set_id, model_sha, by, reason=reason, **fit_files))
        return _summary(row, model_sha) if row is not None else None


def collect_shots(station, folder: Path | str | None = None):
    """The labelled examples tuning would use: a folder's `<class>/*.png`, or else the reviewers' decisions (with
    what was skipped and why)."""
    from ..prompts.workflow import collect_shots as collect

    return collect(station, folder)


def prompt_sets(station) -> list[PromptSetSummary]:
    """Newest first."""
    with station.db.session() as s:
        return [_summary(r, station.clip.sha256) for r in s.scalars(select(PromptSet).order_by(PromptSet.id.desc()))]


def fit(station) -> dict:
    """What a prompt set must fit to be used: this encoder's shape and check A's class texts, and a forward pass
    on reference frames must give probabilities."""
    check_a = station.check_a
    return {"encoder_shape": (check_a.encoder.depth, check_a.encoder.width), "texts_sha256": check_a.texts_sha256,
            "trial": check_a.try_prompts}


def activate_prompt_set(station, user: User | None, prompt_set_id: int, reason: str = "") -> PromptSetSummary:
    """Make a prompt set live now (audited); the running checks use it from the next frame."""
    from ..prompts.registry import activate

    with station.db.transaction() as s:
        row = activate(s, prompt_set_id, station.clip.sha256, acting(s, user), reason=reason, **fit(station))
        made = _summary(row, station.clip.sha256)
    station.reload_prompts()
    return made


def roll_back_prompt_set(station, user: User | None) -> PromptSetSummary | None:
    """Go back to the prompt set that was live before this one (None: no prompts)."""
    from ..prompts.registry import rollback

    with station.db.transaction() as s:
        row = rollback(s, station.clip.sha256, acting(s, user), **fit(station))
        made = _summary(row, station.clip.sha256) if row is not None else None
    station.reload_prompts()
    return made


def tune(station, user: User | None, recipe, name: str = "rvpt", make_live: bool = False,
         folder: Path | str | None = None, choose: bool = False, progress: Progress = QUIET,
         shots=None) -> PromptSetSummary:
    """Tune a new prompt set on the station's reviewed parts (or a labelled folder, or `shots` collected already)
    and register it; with `choose`, D, b, alpha and the epoch are chosen on held-out shots
    (station.prompts.selection)."""
    from ..prompts.workflow import tune_and_register

    shown = Announced(progress, station.events, "tuning")
    with station.jobs.running(TUNING_JOB):
        row = tune_and_register(station, user, recipe, name=name, folder=folder, make_active=make_live,
                                progress=shown, choose=choose, shots=shots)
        made = _summary(row, station.clip.sha256)
    if made.active:
        station.reload_prompts()
    return made


@dataclass(frozen=True)
class BankSummary:
    version: int
    frames: int
    false_review: float  # share of held-out clean frames the new bank sends to review
    calibration: dict = field(default_factory=dict)  # target, measured share, held-out frames
    thresholds: dict = field(default_factory=dict)  # appearance and layout distances


def rebuild_reference_bank(station, user: User | None, progress: Progress = QUIET, generated: int | None = None,
                           heldout: int | None = None, use_reviews: bool = True,
                           folder: Path | str | None = None) -> BankSummary:
    """A manager's rebuild of the input gate's bank (generated parts on a demo station, photos of the station's
    parts from `folder`, every reviewed part), a quarter held out for its calibration; active at once."""
    from ..errors import InvalidInput
    from ..gate.store import build_bank

    if station.product is not None:
        raise InvalidInput(f"the live product {station.product.label} carries its own input gate bank, built from its "
                           "photos: onboard a new version of it (station product new) to change it")
    photos = None
    if folder is not None:
        from ..products.photos import part_photos

        photos, skipped = part_photos(folder)
        for path, why in skipped:
            progress.report(0, 1, f"left out {path}: {why}")
    with station.jobs.running(BANK_JOB):
        row = build_bank(station, user, generated=generated, heldout=heldout, use_reviews=use_reviews,
                         progress=progress, photos=photos, photos_from=str(folder or ""))
    calibration = dict(row.calibration or {})
    return BankSummary(row.version, row.frames, float(calibration.get("false_review", 0.0)), calibration,
                       dict(row.thresholds or {}))


@dataclass(frozen=True)
class BankLine:
    version: int
    active: bool
    frames: int
    created_at: datetime
    thresholds: dict
    calibration: dict
    sha256: str
    base_model_sha256: str
    path: str

    def as_dict(self) -> dict:
        return {"version": self.version, "active": self.active, "frames": self.frames,
                "created_at": self.created_at.isoformat(), "thresholds": self.thresholds,
                "calibration": self.calibration, "sha256": self.sha256, "base_model_sha256": self.base_model_sha256,
                "path": self.path}


def reference_banks(records) -> list[BankLine]:
    """Every bank version, oldest first."""
    from ..storage.models import ReferenceBankRecord

    with records.db.session() as s:
        return [BankLine(r.version, r.active, r.frames, r.created_at, dict(r.thresholds or {}),
                         dict(r.calibration or {}), r.sha256, r.base_model_sha256, r.path)
                for r in s.scalars(select(ReferenceBankRecord).order_by(ReferenceBankRecord.version))]


def gate_state_on_disk(records, active: BankLine | None) -> tuple[str, str]:
    """As the station would open its gate: 'off', 'closed' (with why) or 'on', reading the bank file without the
    models (its hash and its model's fingerprint are checked, as at start)."""
    from ..gate.bank import load_bank
    from ..models.files import ModelFileError
    from ..models.identity import foundation_sha256
    from ..paths import data_path

    cfg = records.config
    if not cfg.gate.enabled:
        return "off", ""
    if active is None:
        return ("on", "") if cfg.model.clip == "demo" else ("closed", "no reference bank yet: station gate build")
    try:
        load_bank(data_path(records.data_dir, active.path), expected_sha256=active.sha256,
                  model_sha256=foundation_sha256(cfg, records.data_dir))
    except ModelFileError as e:
        return "closed", f"reference bank refused: {e}"
    return "on", ""


def import_model(station, user: User | None, path: str, arch: str, expected_sha256: str = "",
                 use_from_next_start: bool = False) -> str:
    """Check and copy a CLIP checkpoint into the station (audited); returns where it now lies."""
    from ..models.importer import import_clip_checkpoint
    from .settings import apply_settings

    with station.db.transaction() as s:
        dest = import_clip_checkpoint(s, station.data_dir, path, arch, acting(s, user), expected_sha256 or None).path
    if use_from_next_start:
        cfg = station.config
        apply_settings(station, user, replace(cfg, model=replace(cfg.model, clip=dest, clip_arch=arch)))
    return dest


def gate_state(station) -> tuple[str, str]:
    """The input gate as ('off' | 'closed' | 'on', what to tell a manager)."""
    from ..gate.gate import ClosedGate

    if not station.config.gate.enabled:
        return "off", Message("gate.off")
    gate = station.gate
    if isinstance(gate, ClosedGate):
        return "closed", Message("gate.closed", why=gate.why)
    c = gate.bank.meta.calibration
    return "on", Message("gate.on", frames=gate.bank.embeddings.shape[0], false_review=c.get("false_review", 0),
                         heldout=c.get("heldout_frames", 0))
