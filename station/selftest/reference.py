"""Reference frames for self-tests: generated parts, reviewed inspections, or a labelled folder."""

from __future__ import annotations

from pathlib import Path

from ..prompts.shots import from_folder, from_reviews
from ..runtime import Station
from .prm_runner import ReferenceFrame
from ..messages import Message
from ..errors import InvalidInput


def generated(station: Station, count: int, seed: int = 4242, size: int = 256) -> list[ReferenceFrame]:
    """Simulated frames of the station's classes, balanced good / defective."""
    from ..catalog import CLASS_INDEX
    from ..synth.samples import draw_sample  # the demo generator, only for this choice

    keys = [c.key for c in station.config.classes]
    missing = [k for k in keys if k not in CLASS_INDEX]
    if missing:
        raise InvalidInput(Message("selftest.not_generated", classes=missing))
    frames = []
    for i in range(count):
        key = keys[i % len(keys)]
        sample = draw_sample(seed, i, size, class_index=CLASS_INDEX[key])
        frames.append(ReferenceFrame(sample.image, key, f"synthetic:{seed}#{i}"))
    return frames


def reviewed(station: Station, count: int) -> list[ReferenceFrame]:
    keys = [c.key for c in station.config.classes]
    with station.db.session() as s:
        shots = from_reviews(s, station.images, keys, limit_per_class=max(1, count // len(keys) + 1))
    return [ReferenceFrame(im, keys[lb], f"inspection:{src['inspection_id']}")
            for im, lb, src in zip(shots.images, shots.labels, shots.sources)][:count]


def labelled_folder(station: Station, folder: Path | str, count: int) -> list[ReferenceFrame]:
    classes = station.config.classes
    shots = from_folder(folder, [c.key for c in classes], [c.name for c in classes])
    return [ReferenceFrame(im, classes[lb].key, f"file:{src['file_sha256']}")
            for im, lb, src in zip(shots.images, shots.labels, shots.sources)][:count]


def product_held_out(station: Station, count: int) -> list[ReferenceFrame]:
    """The live product's held-out photos (never trained on), as its acceptance report judged them."""
    from ..products.store import HELD_OUT

    return labelled_folder(station, station.product.folder / HELD_OUT, count)
