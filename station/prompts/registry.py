"""Prompt sets known to the station: versions, activation (a manager's act), rollback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from .. import audit
from ..auth import require
from ..models.files import ModelFileError, sha256_file
from ..paths import data_path, stored_path
from ..storage.models import PromptSet, User, utcnow
from .files import load_prompt_set
from ..errors import StationError
from ..messages import Message


class PromptSetError(StationError):
    """The prompt set cannot be used as asked; the message says why and what to do."""


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def safe_name(name: str) -> str:
    """A prompt set's name becomes part of a file name: letters, digits, '.', '_' and '-', nothing else."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise PromptSetError(f"prompt set name {name[:80]!r} is not allowed: use 1 to 64 letters, digits, '.', '_' or "
                             "'-', starting with a letter or digit")
    return name


def prompts_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "prompts"


def register(session: Session, data_dir: Path, source: Path, user: User | None, name: str = "") -> PromptSet:
    """Copy a prompt-set file into the station and record it as the next version of its name."""
    require(user, "prompts.manage")
    _, meta = load_prompt_set(source)
    name = safe_name(name or meta.name or "rvpt")
    version = (session.scalar(select(func.max(PromptSet.version)).where(PromptSet.name == name)) or 0) + 1
    target = prompts_dir(data_dir) / f"{name}-v{version}.safetensors"
    target.parent.mkdir(parents=True, exist_ok=True)
    if Path(source).resolve() != target.resolve():
        shutil.copyfile(source, target)
    row = PromptSet(
        name=name, version=version, path=stored_path(data_dir, target), sha256=sha256_file(target),
        base_model_sha256=meta.base_model_sha256, first_prompted_block=meta.first_prompted_block,
        tokens_per_block=meta.tokens_per_block, classes=meta.classes, metrics=meta.metrics,
        meta={"shots": meta.shots, "seed": meta.seed, "recipe": meta.recipe, "created_by": meta.created_by},
        created_by=user.id if user else None,
    )
    session.add(row)
    session.flush()
    audit.record(session, user.username, "prompts.register", prompt_set=row.id, name=name, version=version,
                 sha256=row.sha256)
    return row


def verify_usable(row: PromptSet, model_sha256: str, encoder_shape: tuple[int, int] | None = None,
                  texts_sha256: str | None = None, trial=None, data_dir: Path | None = None) -> None:
    """Refuses a set for another model, a changed file, tokens that do not fit the encoder
    (`encoder_shape`: its blocks and width), or one tuned against other class texts than check A's now."""
    if row.base_model_sha256 != model_sha256:
        raise PromptSetError(
            f"prompt set {row.name} v{row.version} was tuned for CLIP {row.base_model_sha256[:12]}, but the "
            f"station runs {model_sha256[:12]}; tune a new prompt set on this model"
        )
    try:
        prompts, meta = load_prompt_set(file_of(row, data_dir), expected_sha256=row.sha256)
    except ModelFileError as e:
        raise PromptSetError(str(e)) from e
    if encoder_shape is not None:
        depth, width = encoder_shape
        expected = (depth - meta.first_prompted_block, meta.tokens_per_block, width)
        if tuple(prompts.shape) != expected or not 0 <= meta.first_prompted_block < depth:
            raise PromptSetError(f"prompt set {row.name} v{row.version} holds tokens shaped {tuple(prompts.shape)}; "
                                 f"this model ({depth} blocks, width {width}, D={meta.first_prompted_block}) needs "
                                 f"{expected}; tune a new prompt set on this model")
    if trial is not None:  # a forward pass with the model at hand: the set must give probabilities
        try:
            trial(prompts, meta.first_prompted_block)
        except ValueError as e:
            raise PromptSetError(f"prompt set {row.name} v{row.version} is refused: {e}; tune a new prompt set") from e
    if texts_sha256 and meta.class_texts_sha256 and meta.class_texts_sha256 != texts_sha256:
        raise PromptSetError(f"prompt set {row.name} v{row.version} was tuned against other class texts than the "
                             "station's [[classes]] prompts now; tune a new prompt set, or restore the texts it was "
                             "tuned with (station prompts show lists them)")


def file_of(row: PromptSet, data_dir: Path | None = None) -> Path:
    """The prompt set's file in the data folder (`data_dir`, else that of the session that read the row)."""
    if data_dir is None and object_session(row) is not None:
        data_dir = object_session(row).info.get("data_dir")
    return data_path(data_dir, row.path) if data_dir is not None else Path(row.path)


def active(session: Session) -> PromptSet | None:
    return session.scalar(select(PromptSet).where(PromptSet.active.is_(True)).limit(1))


def activate(session: Session, prompt_set_id: int, model_sha256: str, user: User | None, reason: str = "",
             encoder_shape: tuple[int, int] | None = None, texts_sha256: str | None = None, trial=None) -> PromptSet:
    require(user, "prompts.manage")
    row = session.get(PromptSet, prompt_set_id)
    if row is None:
        raise PromptSetError(Message("prompts.no_such_set", id=prompt_set_id))
    verify_usable(row, model_sha256, encoder_shape, texts_sha256, trial)
    previous = active(session)
    if previous is not None:
        previous.active = False
    row.active, row.activated_at = True, utcnow()
    session.flush()
    audit.record(session, user.username, "prompts.activate", prompt_set=row.id, name=row.name, version=row.version,
                 previous=previous.id if previous else None, reason=reason)
    return row


def deactivate(session: Session, user: User | None, reason: str = "") -> None:
    require(user, "prompts.manage")
    previous = active(session)
    if previous is not None:
        previous.active = False
        audit.record(session, user.username, "prompts.deactivate", prompt_set=previous.id, reason=reason)


def rollback(session: Session, model_sha256: str, user: User | None,
             encoder_shape: tuple[int, int] | None = None, texts_sha256: str | None = None,
             trial=None) -> PromptSet | None:
    """Re-activate the prompt set that was active before the current one (or none)."""
    require(user, "prompts.manage")
    current = active(session)
    if current is None:
        raise PromptSetError(Message("prompts.nothing_to_roll_back"))
    earlier = session.scalar(
        select(PromptSet).where(PromptSet.activated_at.is_not(None), PromptSet.id != current.id,
                                PromptSet.activated_at < current.activated_at)
        .order_by(PromptSet.activated_at.desc()).limit(1)
    )
    if earlier is None:
        deactivate(session, user, reason="rollback: no earlier prompt set")
        return None
    return activate(session, earlier.id, model_sha256, user, reason=f"rollback from {current.name} v{current.version}",
                    encoder_shape=encoder_shape, texts_sha256=texts_sha256, trial=trial)
