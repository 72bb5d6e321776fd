"""Reference bank versions: built from known-good and reviewed frames, calibrated, recorded and audited.

A station on the bundled demo model starts from the bank shipped with it (made from the demo's
generated frames). A manager rebuilds the bank (CLI `station gate build`, or the GUI) as reviewed
frames accumulate. A bank made for another model is refused. Embeddings are the frozen encoder's
(no RVPT prompts), so activating a prompt set leaves the bank valid.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth import require
from ..models.files import ModelFileError
from ..paths import data_path, demo_models_dir, stored_path
from ..storage.models import Inspection, ReferenceBankRecord, Review, User
from ..models.preprocess import shrink, to_model_input
from .bank import BankMeta, ReferenceBank, calibrate, kth_distance, load_bank
from .gate import ClosedGate, InputGate
from .layout import edge_layouts
from ..errors import InvalidInput
from ..messages import Message
from ..progress import QUIET, Progress, stop_if_asked

log = logging.getLogger("station.gate")

DEMO_SOURCES = {"generated": {"seed": 20_261_122, "count": 600, "heldout_seed": 20_261_123, "heldout_count": 1000}}


def banks_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "gate"


def bundled_bank_path() -> Path:
    """Beside the demo models it was built on (`STATION_DEMO_MODELS` moves both); station.gate.bundled_bank."""
    return demo_models_dir() / "gate" / "bank.safetensors"


def active_record(session: Session) -> ReferenceBankRecord | None:
    return session.scalar(select(ReferenceBankRecord).where(ReferenceBankRecord.active.is_(True))
                          .order_by(ReferenceBankRecord.version.desc()).limit(1))


def _family(station) -> str | None:
    from ..catalog import TRAINED_FAMILIES

    families = {c.key.split("/")[0] for c in station.config.classes}
    known = {f.key for f in TRAINED_FAMILIES}  # generated frames only of parts the demo models know
    return families.pop() if len(families) == 1 and next(iter(families)) in known else None


def _generated(station, seed: int, count: int) -> list[np.ndarray]:
    from ..synth.samples import draw_sample

    family = _family(station)
    if family is None:
        raise InvalidInput(Message("gate.not_generated"))
    return [draw_sample(seed, i, 256, family=family).image for i in range(count)]


def _reviewed(station, ids: list[int]) -> list[np.ndarray]:
    with station.db.session() as s:
        rows = s.execute(select(Inspection.image_path, Inspection.image_sha256).where(Inspection.id.in_(ids))).all()
    out = []
    for path, sha in rows:
        try:  # kept small: thousands of full camera frames would not fit in memory
            out.append(shrink(station.images.read(path, sha), 256))  # both signals work on far smaller images
        except (OSError, ValueError) as e:
            log.warning("reference bank: skipped %s (%s)", path, e)
    return out


def reviewed_part_ids(station, limit: int = 5000) -> list[int]:
    """Reviewed inspections a person labelled as one of the station's classes (a part was there)."""
    keys = [c.key for c in station.config.classes]
    with station.db.session() as s:
        return list(s.scalars(select(Inspection.id).join(Review, Review.inspection_id == Inspection.id)
                              .where(Review.label.in_(keys)).order_by(Inspection.id.desc()).limit(limit)))


def _embed(a, images: list[np.ndarray], progress: Progress, done: int, total: int, prompted: bool = False):
    embeddings = []
    for i in range(0, len(images), 128):
        stop_if_asked(progress, "reference bank build")
        x = to_model_input(images[i : i + 128], a.mean, a.std, size=a.image_size)
        embeddings.append(a.embed(x, use_prompts=prompted).cpu())
        progress.report(done + i + len(images[i : i + 128]), total, Message("gate.embedding"))
    return torch.cat(embeddings) if embeddings else torch.zeros(0, 1)


def _held_out_share(n: int, least: int = 20) -> set[int]:
    """Which of n photos calibrate the bank: a quarter, but `least` when there are twice that (spread evenly)."""
    k = max(n // 4, min(least, n // 2))
    step = max(1, n // k) if k else 1
    return set(list(range(0, n, step))[:k])


def make_bank(station, sources: dict, created_by: str, progress: Progress = QUIET,
              photos: list[np.ndarray] | None = None) -> ReferenceBank:
    """Frames from `sources` (and `photos`, some held out: `_held_out_share`) -> a calibrated bank for the station's
    model (not recorded)."""
    gen, rev = sources.get("generated"), sources.get("reviews", {})
    photos = photos or []
    held = _held_out_share(len(photos))
    bank_frames = [p for i, p in enumerate(photos) if i not in held]
    heldout_frames = [p for i, p in enumerate(photos) if i in held]
    if gen:
        bank_frames += _generated(station, gen["seed"], gen["count"])
        heldout_frames += _generated(station, gen["heldout_seed"], gen["heldout_count"])
    bank_frames += _reviewed(station, rev.get("bank", []))
    heldout_frames += _reviewed(station, rev.get("heldout", []))
    return bank_from_frames(station, bank_frames, heldout_frames, sources, created_by, progress)


def bank_from_frames(station, bank_frames: list[np.ndarray], heldout_frames: list[np.ndarray], sources: dict,
                     created_by: str, progress: Progress = QUIET, prompted_check=None) -> ReferenceBank:
    """A calibrated bank from frames known to show the station's parts (`heldout_frames` set the thresholds).
    `prompted_check`: a check A with prompts whose prompted embeddings make the bank (a product's, see BankMeta)."""
    from ..models.identity import foundation_sha256

    if len(bank_frames) < 20 or len(heldout_frames) < 20:
        raise InvalidInput(Message("gate.too_few", frames=len(bank_frames), heldout=len(heldout_frames)))
    total = len(bank_frames) + len(heldout_frames)
    a, prompted = prompted_check or station.check_a, prompted_check is not None
    emb = _embed(a, bank_frames, progress, 0, total, prompted)
    held = _embed(a, heldout_frames, progress, len(bank_frames), total, prompted)
    layouts, held_layouts = torch.from_numpy(edge_layouts(bank_frames)), torch.from_numpy(edge_layouts(heldout_frames))
    cfg = station.config.gate
    thresholds, calibration = calibrate(kth_distance(held, emb, cfg.neighbours).numpy(),
                                        kth_distance(held_layouts, layouts, cfg.neighbours).numpy(),
                                        cfg.false_review_target)
    meta = BankMeta(base_model_sha256=foundation_sha256(station.config, station.data_dir), neighbours=cfg.neighbours,
                    thresholds=thresholds, calibration=calibration, sources=sources, created_by=created_by,
                    created_at=datetime.now(timezone.utc).isoformat(), prompted=prompted)
    return ReferenceBank(emb, layouts, meta)


def record_bank(station, bank: ReferenceBank, actor: str, user_id: int | None, reason: str) -> ReferenceBankRecord:
    """Save the file as the next version, make it the active bank, audit it."""
    with station.db.transaction() as s:
        version = (s.scalar(select(func.max(ReferenceBankRecord.version))) or 0) + 1
        staged = banks_dir(station.data_dir) / f".bank-{uuid.uuid4().hex}.safetensors"
        sha = bank.save(staged)
        path = staged.with_name(f"bank-v{version}-{sha[:12]}.safetensors")  # never another build's file
        staged.replace(path)
        bank.path = path
        for old in s.scalars(select(ReferenceBankRecord).where(ReferenceBankRecord.active.is_(True))):
            old.active = False
        row = ReferenceBankRecord(version=version, path=stored_path(station.data_dir, path), sha256=sha, base_model_sha256=bank.meta.base_model_sha256,
                                  frames=int(bank.embeddings.shape[0]),
                                  thresholds=bank.meta.thresholds, calibration=bank.meta.calibration,
                                  sources=bank.meta.sources, active=True, created_by=user_id)
        s.add(row)
        s.flush()
        audit.record(s, actor, "gate.bank", version=version, sha256=sha, frames=row.frames, reason=reason,
                     thresholds=row.thresholds, calibration=row.calibration)
        s.expunge(row)
    return row


def build_bank(station, user: User | None, generated: int | None = None, heldout: int | None = None,
               use_reviews: bool = True, progress: Progress = QUIET, photos: list[np.ndarray] | None = None,
               photos_from: str = "") -> ReferenceBankRecord:
    """A manager's rebuild: generated frames (demo family), photos of the station's parts and every reviewed part,
    a quarter of each held out."""
    require(user, "gate.manage")
    sources: dict = {"photos": {"folder": photos_from, "count": len(photos)}} if photos else {}
    demo = DEMO_SOURCES["generated"]
    if generated is None:
        generated = demo["count"] if station.config.model.clip == "demo" else 0
    if generated:
        sources["generated"] = {**demo, "count": generated,
                                "heldout_count": demo["heldout_count"] if heldout is None else heldout}
    if use_reviews:
        ids = reviewed_part_ids(station)
        sources["reviews"] = {"bank": [i for k, i in enumerate(ids) if k % 4], "heldout": ids[::4]}
    bank = make_bank(station, sources, user.username, progress, photos)
    row = record_bank(station, bank, user.username, user.id, "built by a manager")
    station.reload_gate()
    return row


def open_gate(station):
    """The gate for this station: its active bank, the bundled demo bank on a new demo station, or closed."""
    from ..models.identity import foundation_sha256

    cfg = station.config.gate
    model_sha = foundation_sha256(station.config, station.data_dir)
    with station.db.session() as s:
        row = active_record(s)
    if row is None and station.config.model.clip == "demo" and bundled_bank_path().is_file():
        try:
            row = record_bank(station, load_bank(bundled_bank_path(), model_sha256=model_sha), "system", None,
                              "the bundled demo bank, on a new station")
        except ModelFileError as e:
            return ClosedGate(Message("gate.unusable_bank", problem=str(e)))
    if row is None:
        return ClosedGate(Message("gate.no_bank"))
    try:
        bank = load_bank(data_path(station.data_dir, row.path), expected_sha256=row.sha256, model_sha256=model_sha)
    except ModelFileError as e:
        return ClosedGate(Message("gate.bank_refused", problem=str(e)))
    gate = gate_of(bank, cfg)
    gate.record_sha256 = row.sha256
    return gate


def gate_of(bank: ReferenceBank, cfg) -> InputGate:
    """The gate on `bank` under the settings' [gate] (a threshold of 0 there: the bank's calibrated one)."""
    return InputGate(bank, cfg.neighbours, cfg.max_appearance_distance or bank.meta.thresholds["appearance"],
                     cfg.max_layout_distance or bank.meta.thresholds["layout"])
