"""Bringing a CLIP checkpoint onto the station: verified, copied under the data directory, recorded, audited."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..paths import data_path, stored_path
from .. import audit
from ..auth import require
from ..storage.models import ModelRecord, User
from .clip_store import ClipSpec, load_clip_checkpoint


def models_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "models"


def import_clip_checkpoint(session: Session, data_dir: Path | str, file: Path | str, arch: str, user: User | None,
                           expected_sha256: str | None = None, quick_gelu: bool = False) -> ModelRecord:
    """Check that `file` loads as `arch` (and has the expected hash), then copy and record it.

    The copy lives at <data dir>/models/<arch>-<sha256 prefix>/<file name>; importing the same
    file twice returns the existing record. Using the model is a settings change ([model] clip).
    """
    require(user, "models.import")
    spec = ClipSpec(arch, quick_gelu=quick_gelu)
    loaded = load_clip_checkpoint(file, spec, sha256=expected_sha256.lower() if expected_sha256 else None)
    sha = loaded.sha256
    existing = session.scalar(select(ModelRecord).where(ModelRecord.kind == "clip", ModelRecord.sha256 == sha))
    dest = models_dir(data_dir) / f"{arch}-{sha[:12]}" / Path(file).name
    if existing is not None and data_path(data_dir, existing.path).is_file():
        return existing
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    shutil.copyfile(file, tmp)
    tmp.replace(dest)
    load_clip_checkpoint(dest, spec, sha256=sha)  # the copy reads back, with the same hash
    record = existing or ModelRecord(kind="clip", name=arch, sha256=sha, spec=spec.as_dict(), imported_by=user.id)
    record.path = stored_path(data_dir, dest)
    session.add(record)
    session.flush()
    audit.record(session, user.username, "model.import", arch=arch, sha256=sha, source=str(file), path=str(dest))
    return record
