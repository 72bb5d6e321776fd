"""The station's tables (SQLAlchemy 2 declarative). Alembic migrations mirror these."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(16))  # operator | reviewer | manager
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInFailure(Base):
    """Failed sign-ins in a row, per account and per source (where the attempts come from): what slows down a
    guesser. Not evidence (each failure is an audit event); a success clears the account's row."""

    __tablename__ = "sign_in_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "account" or "source"
    key: Mapped[str] = mapped_column(String(160))
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("kind", "key"),)


class ModelRecord(Base):
    """A model file known to the station, identified by its sha256."""

    __tablename__ = "model"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # clip | part_cnn | linear_probe | torchscript | onnx
    name: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    spec: Mapped[dict] = mapped_column(JSON, default=dict)  # arch, mean/std, interpolation, QuickGELU ...
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class PromptSet(Base):
    __tablename__ = "prompt_set"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))  # of the prompt file
    base_model_sha256: Mapped[str] = mapped_column(String(64))
    first_prompted_block: Mapped[int] = mapped_column(Integer)
    tokens_per_block: Mapped[int] = mapped_column(Integer)
    classes: Mapped[list] = mapped_column(JSON, default=list)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # shots, seed, recipe
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReferenceBankRecord(Base):
    """A version of the input gate's reference bank (see station.gate)."""

    __tablename__ = "reference_bank"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))  # of the bank file
    base_model_sha256: Mapped[str] = mapped_column(String(64))
    frames: Mapped[int] = mapped_column(Integer)
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    calibration: Mapped[dict] = mapped_column(JSON, default=dict)
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class Product(Base):
    """A version of a product (see station.products): its folder, sealed by the sha256 of its manifest."""

    __tablename__ = "product"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)  # the version's folder, relative to the data folder
    sha256: Mapped[str] = mapped_column(String(64))  # of the folder's manifest.json
    base_model_sha256: Mapped[str] = mapped_column(String(64))  # the CLIP it was onboarded on
    spec: Mapped[dict] = mapped_column(JSON, default=dict)  # names, classes, thresholds
    acceptance: Mapped[dict] = mapped_column(JSON, default=dict)  # the acceptance report's figures
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    live: Mapped[bool] = mapped_column(Boolean, default=False)  # the one product the station inspects
    recipe: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a PLC selects the product by it (all versions)
    __table_args__ = (UniqueConstraint("name", "version"),)

    @property
    def label(self) -> str:
        """'name vN', as every record and screen names a version."""
        return f"{self.name} v{self.version}"


class Inspection(Base):
    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(256))
    origin: Mapped[str] = mapped_column(Text, default="")
    image_path: Mapped[str] = mapped_column(Text)  # relative to the image store
    image_sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(8))  # PASS | FAIL | REVIEW
    reason: Mapped[str] = mapped_column(String(512), default="")  # why REVIEW: disagreement, low confidence ...
    label_a: Mapped[str] = mapped_column(String(128))
    conf_a: Mapped[float] = mapped_column(Float)
    label_b: Mapped[str] = mapped_column(String(128))
    conf_b: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    manual_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    truth: Mapped[str | None] = mapped_column(String(128), nullable=True)  # known label (simulated camera)
    clip_model_id: Mapped[int | None] = mapped_column(ForeignKey("model.id"), nullable=True)
    check_b_model_id: Mapped[int | None] = mapped_column(ForeignKey("model.id"), nullable=True)
    prompt_set_id: Mapped[int | None] = mapped_column(ForeignKey("prompt_set.id"), nullable=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), nullable=True)  # the version that judged it
    review: Mapped[Review | None] = relationship(back_populates="inspection", uselist=False)

    __table_args__ = (Index("ix_inspection_verdict_id", "verdict", "id"),)


class Review(Base):
    __tablename__ = "review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), unique=True)
    label: Mapped[str] = mapped_column(String(128))  # the reviewer's true class
    good: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    inspection: Mapped[Inspection] = relationship(back_populates="review")


class ReviewWaiting(Base):
    """A frame waiting in the review queue. Kept by the database's own triggers (migration 0009) on every write of
    an inspection or a review, whatever wrote it, so the queue's reads touch the waiting frames only, however long
    the decided history grows (a plain anti-join scanned every decided frame)."""

    __tablename__ = "review_waiting"
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True)


class SelftestRun(Base):
    __tablename__ = "selftest_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # prm | backdoor
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | cancelled | failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    clip_model_id: Mapped[int | None] = mapped_column(ForeignKey("model.id"), nullable=True)
    check_b_model_id: Mapped[int | None] = mapped_column(ForeignKey("model.id"), nullable=True)
    prompt_set_id: Mapped[int | None] = mapped_column(ForeignKey("prompt_set.id"), nullable=True)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class SelftestResult(Base):
    __tablename__ = "selftest_result"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selftest_run.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(Text)  # reference image: inspection id, file hash or generator draw
    true_label: Mapped[str] = mapped_column(String(128))
    variant: Mapped[str] = mapped_column(String(64), default="")  # e.g. eps=8/255, trigger=badnet-8px
    outcome: Mapped[str] = mapped_column(String(32))  # correct | caught | silent_failure | defect_escape ...
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    image_path: Mapped[str | None] = mapped_column(Text, nullable=True)


SELFTEST_DETAIL_IMAGES = ("clean_image", "mask_image", "stamped_image")
"""The keys of `SelftestResult.details` that name stored images besides `image_path` (PRM's clean frame, the
probe's inverted mask and stamped frame): start-up recovery counts them as recorded."""


class Alarm(Base):
    """Fail-safe trips: the station stays in manual mode until a manager resets it."""

    __tablename__ = "alarm"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reset_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class AuditEvent(Base):
    """Append-only; each row carries the hash of the one before it."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # username or "system"
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of `hash` under the station's audit key (a file outside the database): without the key
    # nobody can recompute the chain after an edit. Empty on events written before the key existed.
    mac: Mapped[str] = mapped_column(String(64), default="")
    # A seal: this event vouches for the content of one protected record (see station.audit.seals).
    record_table: Mapped[str | None] = mapped_column(String(32), nullable=True)
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)

    # seals by record, for the check; events that seal no single row (record_id NULL), newest first, for people
    __table_args__ = (Index("ix_audit_event_record", "record_table", "record_id", "id"),
                      Index("ix_audit_event_listed", "record_id", "id"))


class TrustedKey(Base):
    """A public key (Ed25519) a manager trusts to sign station packs."""

    __tablename__ = "trusted_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the raw public key
    public_key: Mapped[str] = mapped_column(Text)  # PEM
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)  # the newest pack imported from this signer
