"""Open a station: settings, database, image store and both checks, ready to inspect."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path

import torch
from sqlalchemy import func, select

from . import audit, failsafe, threads
from . import config as config_mod
from . import settings as settings_mod
from .audit.link_log import follow_links
from .events import EventStream, ProductChanged
from .jobs import JobSlot
from .datalock import DataFolderLock, make_private, tighten_files
from .config import StationConfig
from .models.clip_store import ClipSpec, LoadedClip, load_clip_checkpoint, load_clip_folder
from .models.files import ModelFileError, read_or_refuse
from .models.check_b_kinds import KINDS as CHECK_B_KINDS
from .models.second_check import SecondCheck
from .plugins import load
from .models.identity import model_location
from .models.zero_shot import ClassPrompt, TextEmbeddingCache, ZeroShotCheck
from .paths import demo_models_dir
from .records import database_url, open_records
from .storage.db import Database
from .storage.images import DAY, ImageStore
from .storage.models import SELFTEST_DETAIL_IMAGES, Alarm, Inspection, ModelRecord, SelftestResult

log = logging.getLogger("station")
KEPT_EARLIER = 3  # changeovers remembered for frames still queued from before them (a queue holds a few frames)


def pick_device(preference: str) -> str:
    if preference == "cuda" or (preference == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise ModelFileError("cuda", "no CUDA device is available", "Set [model] device = \"cpu\" or \"auto\".")
        return "cuda"
    return "cpu"


def load_foundation(cfg: StationConfig, data_dir: Path | str | None = None) -> LoadedClip:
    path = model_location(cfg.model.clip, data_dir)
    if path.is_dir():
        return load_clip_folder(path)
    if not cfg.model.clip_arch:
        raise ModelFileError(path, "a checkpoint file needs its architecture", "Set [model] clip_arch, e.g. \"ViT-B-32\".")
    return load_clip_checkpoint(path, ClipSpec(cfg.model.clip_arch, quick_gelu=cfg.model.clip_quick_gelu))


def load_second_check(cfg: StationConfig, clip: LoadedClip, device: str,
                      data_dir: Path | str | None = None) -> SecondCheck:
    keys = [c.key for c in cfg.classes]
    kind = CHECK_B_KINDS[cfg.model.check_b]  # the settings accept only the table's names
    path = model_location(cfg.model.check_b_path, data_dir) if cfg.model.check_b_path else None
    with read_or_refuse(path or demo_models_dir() / "cnn", "second-check model", "Restore the model file from its "
                        "source, or check [model] check_b_path in the settings."):
        return load(kind.loader)(path, clip, keys, device)


@dataclass(frozen=True)
class Inspecting:
    """What judges a frame and what its record names: the live product's classes and checks (or the settings')."""

    config: StationConfig
    product: object  # LiveProduct or None
    check_a: ZeroShotCheck
    check_b: SecondCheck
    check_b_model_id: int
    gate: object
    since: float  # frames captured from then on (epoch seconds)

    @property
    def product_id(self) -> int | None:
        return self.product.id if self.product is not None else None


@dataclass(frozen=True)
class ProductSwitch:
    before: object  # LiveProduct or None (the settings' classes)
    after: object  # the same; None also when refused
    refused: str = ""  # why the records' live product could not be loaded (it is no longer live)


def _epoch(at: datetime) -> float:
    """Seconds since the epoch of a recorded time; SQLite gives it back without its zone, which is UTC."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)).timestamp()


def _label(product) -> str:
    return product.label if product is not None else ""


def _recipe(product) -> int:
    return (product.recipe or 0) if product is not None else 0


@dataclass
class Station:
    data_dir: Path
    config: StationConfig
    db: Database
    images: ImageStore
    clip: LoadedClip
    check_a: ZeroShotCheck
    check_b: SecondCheck
    clip_model_id: int
    check_b_model_id: int
    gate: object = None  # station.gate: InputGate, or ClosedGate when no usable reference bank exists
    lock: DataFolderLock | None = None  # this process is the data folder's one writer until close()
    settings_changed_outside: dict = field(default_factory=dict)  # {key: [old, new]} found (and audited) at start
    product: object = None  # station.products.live.LiveProduct: the live product, or None (the settings' classes)
    own_config: StationConfig | None = None  # the settings' own values (`config` is them with the product applied)
    live_since: float = 0.0  # frames captured from then on are judged by the live product (epoch seconds)
    earlier: tuple = ()  # Inspecting before each of the last changeovers, newest first: frames captured then
    _switching: threading.RLock = field(default_factory=threading.RLock, repr=False)
    events: EventStream = field(default_factory=EventStream)  # decisions, alarms, progress: see station.events
    jobs: JobSlot = field(default_factory=JobSlot)  # one long job at a time

    @classmethod
    def open(cls, data_dir: Path | str, config: StationConfig | None = None) -> Station:
        data_dir = make_private(data_dir)
        lock = DataFolderLock(data_dir).acquire()  # before recovery touches another process's pending images
        tightened = tighten_files(data_dir)
        if tightened:
            log.warning("%d file(s) or folder(s) in %s could be read by other accounts: now the owner's alone",
                        tightened, data_dir)
        try:
            return cls._open(data_dir, config, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open(cls, data_dir: Path, config: StationConfig | None, lock: DataFolderLock) -> Station:
        cfg = config or config_mod.load(data_dir)
        # a station that keeps its own database upgrades it; a shared one is upgraded by `station db upgrade`
        db = open_records(database_url(cfg, data_dir), data_dir, migrate=not cfg.database_url)
        images = ImageStore(data_dir / "images")
        _recover_images(db, images)
        outside = {} if config is not None else settings_mod.record_outside_changes(
            db, cfg, data_dir / config_mod.CONFIG_NAME)
        if outside:
            log.warning("station.toml was changed outside the station (recorded in the audit trail): %s", outside)
        from .products.live import live_product

        product = live_product(db, data_dir)
        own, device = cfg, pick_device(cfg.model.device)
        threads.apply(cfg.model.threads)
        clip = load_foundation(cfg, data_dir)
        clip.model.to(device)
        clip_id = _model_id(db, "clip", clip.spec.arch, str(clip.path), clip.sha256, clip.spec.as_dict())
        cfg, check_a, check_b, b_id = _checks(own, product, clip, device, db, data_dir)
        station = cls(data_dir, cfg, db, images, clip, check_a, check_b, clip_id, b_id,
                      settings_changed_outside=outside, product=product, own_config=own)
        station.lock = lock
        follow_links(station.events, db)  # the audit trail subscribes to the PLC links' state
        station.reload_gate()
        return station

    def reload_gate(self) -> None:
        with self._switching:  # the gate of the product judging, never one a changeover just replaced
            self.gate = self._gate_for(self.product)

    def _gate_for(self, product):
        if product is None:
            from .gate.store import open_gate

            return open_gate(self)
        from .products.live import gate_of_product

        gate = gate_of_product(product, self)  # the product's own bank, sealed with it
        gate.record_sha256 = None
        return gate

    def inspecting(self) -> Inspecting:
        """What judges frames now, taken together (a changeover swaps it whole)."""
        with self._switching:
            return Inspecting(self.config, self.product, self.check_a, self.check_b, self.check_b_model_id, self.gate,
                              self.live_since)

    def follow_live_product(self) -> ProductSwitch | None:
        """Load the product the records make live, when it is not the one judging: a changeover by the window, the
        CLI or a PLC. Frames captured before the switch keep being judged by what was live then (`earlier`). A product that cannot load
        is refused: the one judging is made live again (audited) and the switch says why. None: nothing changed."""
        from .products import store
        from .products.live import loaded

        with self._switching:
            before = self.inspecting()
            have = self.product.id if self.product else None
            problem = None
            with self.db.session() as s:  # every batch: one look at the small product table
                row = store.live(s)
                if (row.id if row else None) == have:
                    return None
                since = store.live_since(s)  # the switch's time, read only when there is one
                try:
                    product = loaded(s, row, self.data_dir)  # the very record read, with its time
                except Exception as e:  # its record or folder changed: refused below, as a model that fails
                    problem = e
            try:
                if problem is not None:
                    raise problem
                cfg, check_a, check_b, b_id = _checks(self.own_config, product, self.clip, self.check_a.device,
                                                       self.db, self.data_dir)
                gate = self._gate_for(product)
            except Exception as e:  # a changed folder, another CLIP, a broken model: the line stays on what it has
                log.warning("changeover refused: %s", e, exc_info=True)
                with self.db.transaction() as s:
                    store.restore_live(s, have, str(e))
                switch = ProductSwitch(before.product, None, refused=str(e))
                self.events.publish(ProductChanged(_label(before.product), _recipe(before.product), switch.refused))
                return switch
            self.config, self.product, self.check_a, self.check_b, self.check_b_model_id, self.gate = (
                cfg, product, check_a, check_b, b_id, gate)
            self.live_since = _epoch(since) if since is not None else time.time()
            self.earlier = (before, *self.earlier)[:KEPT_EARLIER]
            self.events.publish(ProductChanged(_label(product), _recipe(product)))  # in order, switch by switch
        return ProductSwitch(before.product, product)

    def judging_history(self) -> tuple[Inspecting, ...]:
        """What judges frames now, then what judged before each of the last changeovers, newest first."""
        with self._switching:
            return (self.inspecting(), *self.earlier)

    def open_alarm(self) -> Alarm | None:
        with self.db.session() as s:
            return failsafe.open_alarm(s)

    @property
    def good(self) -> dict[str, bool]:
        return {c.key: c.good for c in self.config.classes}

    @property
    def class_names(self) -> dict[str, str]:
        return {c.key: c.name for c in self.config.classes}

    def reload_prompts(self) -> None:
        """Apply whatever prompt set is active now (after an activation or rollback), or none; with a live
        product, its own prompts."""
        if self.product is not None:
            _apply_product_prompts(self.product, self.check_a)
            return
        _apply_active_prompts(self.db, self.clip, self.check_a)

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()


def _checks(own: StationConfig, product, clip: LoadedClip, device: str, db: Database, data_dir: Path):
    """(settings as the product makes them, check A with its prompts, check B, check B's model record) for the live
    product, or for the settings' own classes when `product` is None."""
    from .products.live import applied

    cfg = own if product is None else applied(own, product)
    if product is not None and product.base_model_sha256 != clip.sha256:
        from .products.store import ProductError

        raise ProductError(f"the live product {product.label} was onboarded on CLIP {product.base_model_sha256[:12]}"
                           f", this station runs {clip.sha256[:12]}: onboard it again on this model, or make "
                           "another product live (station product use NAME)")
    classes = [ClassPrompt(c.key, tuple(c.prompts)) for c in cfg.classes]
    check_a = ZeroShotCheck(clip, classes, TextEmbeddingCache(data_dir / "cache" / "text"), device)
    check_b = load_second_check(cfg, clip, device, data_dir)
    if product is None:
        _apply_active_prompts(db, clip, check_a)
    else:
        _apply_product_prompts(product, check_a)
    b_id = _model_id(db, check_b.kind, check_b.kind, str(getattr(check_b, "path", "")), check_b.sha256, {})
    return cfg, check_a, check_b, b_id


def _model_id(db: Database, kind: str, name: str, path: str, sha256: str, spec: dict) -> int:
    """The model's record. A file whose content differs from what was recorded at its path is audited;
    an imported one is refused (imports are content-checked; a later change is not an import)."""
    with db.transaction() as s:
        before = s.scalar(select(ModelRecord).where(ModelRecord.kind == kind, ModelRecord.path == path)
                          .order_by(ModelRecord.id.desc()).limit(1)) if path else None
        changed = before is not None and before.sha256 != sha256  # by path: even to another known model
        if changed:
            audit.record(s, "system", "model.changed", kind=kind, path=path, recorded=before.sha256, found=sha256,
                         refused=before.imported_by is not None)
        if not changed or before.imported_by is None:
            row = s.scalar(select(ModelRecord).where(ModelRecord.kind == kind, ModelRecord.sha256 == sha256))
            if row is None:
                row = ModelRecord(kind=kind, name=name, path=path, sha256=sha256, spec=spec)
                s.add(row)
                s.flush()
            return row.id
    raise ModelFileError(path, f"changed since it was imported (sha256 {before.sha256[:12]}... recorded, "
                               f"{sha256[:12]}... now)",
                         "Restore the imported file, or import the intended one with `station models import`.")


def _apply_active_prompts(db: Database, clip: LoadedClip, check_a: ZeroShotCheck) -> None:
    """Load the active RVPT prompt set into check A, refusing one that is tampered or for another model."""
    from .prompts.files import load_prompt_set
    from .prompts.registry import PromptSetError, active, file_of, verify_usable

    from .audit.seals import matches_seal

    with db.session() as s:
        row = active(s)
        whole = row is None or matches_seal(s, row)
    if row is None:
        check_a.set_prompts(None)
        return
    if not whole:
        raise PromptSetError(f"the record of the active prompt set ({row.name} v{row.version}) was changed outside "
                             "the station (it does not match its audit seal); run `station audit verify` and report it")
    try:
        verify_usable(row, clip.sha256, (check_a.encoder.depth, check_a.encoder.width), check_a.texts_sha256,
                      trial=check_a.try_prompts, data_dir=db.data_dir)
    except PromptSetError as e:
        raise PromptSetError(f"the active prompt set cannot be used: {e}. Go back to the previous one with "
                             "'station prompts rollback' (it does not load the models)") from e
    prompts, meta = load_prompt_set(file_of(row, db.data_dir), expected_sha256=row.sha256)
    check_a.set_prompts(prompts, meta.first_prompted_block, prompt_set_id=row.id)


def _apply_product_prompts(product, check_a: ZeroShotCheck) -> None:
    from .products.live import prompts_of

    found = prompts_of(product)
    check_a.set_prompts(*found) if found else check_a.set_prompts(None)


def _recover_images(db: Database, images: ImageStore) -> None:
    def recorded_path(name: str) -> str | None:
        """The path a committed row records for this file: an inspection, or a self-test's attacked or clean image."""
        pattern = f"%/{name}"
        with db.session() as s:
            return (s.scalar(select(Inspection.image_path).where(Inspection.image_path.like(pattern)).limit(1))
                    or s.scalar(select(SelftestResult.image_path).where(SelftestResult.image_path.like(pattern)).limit(1))
                    or next(filter(None, (s.scalar(select(named).where(named.like(pattern)).limit(1))
                                          for named in _detail_images())), None))

    result = images.recover(recorded_path)
    if result["published"] or result["removed"]:
        log.warning("image store recovery after an interrupted write: %s", result)
    _quarantine_unrecorded(db, images)


def _detail_images():
    """The columns of self-test details that name stored images (storage.models.SELFTEST_DETAIL_IMAGES)."""
    return [SelftestResult.details[key].as_string() for key in SELFTEST_DETAIL_IMAGES]


def _quarantine_unrecorded(db: Database, images: ImageStore) -> None:
    """Images in the store that no row names: the database went back in time (a power cut before its newest
    transactions were durable, or a restored copy). They are moved to quarantine/ and the move is recorded.
    Only the days from the one before the newest recorded image on are read, so a start stays quick on a large
    store: older days cannot have images newer than the database."""
    from datetime import date, timedelta

    def recorded(day: str) -> set[str]:
        pattern = f"{day}/%"
        with db.session() as s:
            names = set(s.scalars(select(Inspection.image_path).where(Inspection.image_path.like(pattern))))
            names |= set(s.scalars(select(SelftestResult.image_path).where(SelftestResult.image_path.like(pattern))))
            for named in _detail_images():
                names |= set(s.scalars(select(named).where(named.like(pattern))))
        return {n.split("/", 1)[1] for n in names if n}

    with db.session() as s:
        newest = max(filter(None, (s.scalar(select(func.max(Inspection.image_path))),
                                   s.scalar(select(func.max(SelftestResult.image_path))))), default="")
    since = (date.fromisoformat(newest[:10]) - timedelta(days=1)).isoformat() if DAY.fullmatch(newest[:10]) else ""
    found = [p for day in images.days(since) for p in images.unrecorded(day, recorded(day))]
    if not found:
        return
    folder = images.quarantine(found)
    with db.transaction() as s:
        audit.record(s, "system", "images.quarantined", count=len(found), folder=str(folder),
                     days=sorted({p.parent.name for p in found}))
    log.error("%d image(s) without a record (the database went back in time: a power cut or a restored copy) "
              "were moved to %s", len(found), folder)
