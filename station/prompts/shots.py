"""Labelled images for prompt tuning: reviewed inspections, or a folder per class."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..capture.decode import ImageDecodeError, decode_file
from ..capture.folder import IMAGE_SUFFIXES
from ..storage.images import ImageStore
from ..storage.models import Inspection, Review


@dataclass
class LabelledImages:
    images: list[np.ndarray]
    labels: list[int]  # index into the class list
    sources: list[dict]  # {"inspection_id": n} or {"file_sha256": hex, "file": name}
    skipped: list[str]


def from_reviews(session: Session, store: ImageStore, class_keys: list[str], limit_per_class: int = 1000) -> LabelledImages:
    """Frames a reviewer labelled: the reviewer's class is the truth."""
    out = LabelledImages([], [], [], [])
    counts = dict.fromkeys(class_keys, 0)
    rows = session.execute(
        select(Inspection.id, Inspection.image_path, Inspection.image_sha256, Review.label)
        .join(Review, Review.inspection_id == Inspection.id).order_by(Inspection.id)
    )
    for inspection_id, path, sha, label in rows:
        if label not in counts or counts[label] >= limit_per_class:
            continue
        try:
            image = store.read(path, sha)
        except (OSError, ValueError) as e:
            out.skipped.append(f"inspection {inspection_id}: {e}")
            continue
        out.images.append(image)
        out.labels.append(class_keys.index(label))
        out.sources.append({"inspection_id": inspection_id})
        counts[label] += 1
    return out


def _folder_for(root: Path, key: str, name: str) -> Path | None:
    for candidate in (key, key.replace("/", "_"), key.split("/")[-1], name):
        if (root / candidate).is_dir():
            return root / candidate
    return None


def from_folder(root: Path | str, class_keys: list[str], class_names: list[str]) -> LabelledImages:
    """`root/<class>/*.png`; a class folder may be named by key, key with '_', condition or class name."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"labelled folder {root} does not exist")
    out = LabelledImages([], [], [], [])
    for ci, (key, name) in enumerate(zip(class_keys, class_names)):
        folder = _folder_for(root, key, name)
        if folder is None:
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            try:
                image = decode_file(path)
            except ImageDecodeError as e:
                out.skipped.append(str(e))
                continue
            out.images.append(image)
            out.labels.append(ci)
            out.sources.append({"file": f"{folder.name}/{path.name}",
                                "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    return out
