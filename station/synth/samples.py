"""Seeded draws of labelled, captioned part images."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..catalog import ALL_CLASSES, TRAINED_KEYS, PartClass, captions, classes_of
from .render import render_part
from ..errors import InvalidInput


@dataclass(frozen=True)
class Sample:
    image: np.ndarray  # H x W x 3 RGB uint8
    class_index: int  # index into the classes drawn from (ALL_CLASSES unless told)
    caption: str
    part_class: PartClass


def draw_sample(
    seed: int,
    index: int,
    size: int = 128,
    class_index: int | None = None,
    defect_rate: float | None = None,
    family: str | None = None,
    classes: tuple[PartClass, ...] = ALL_CLASSES,
) -> Sample:
    """Sample `index` of the stream `seed`: the same pair always gives the same sample.

    With neither `class_index` nor `defect_rate`, classes are uniform. With
    `defect_rate`, a part is good with probability 1 - defect_rate and otherwise
    has one of its family's defects, as on a production line. `classes`: the classes drawn from (a wider set than the
    bundled models' for training another foundation model).
    """
    rng = np.random.default_rng([seed, index])
    if class_index is None:
        candidates = [
            i for i, c in enumerate(classes) if family is None or c.family.key == family
        ]
        if not candidates:
            raise InvalidInput(f"unknown part family {family!r}")
        if defect_rate is None:
            class_index = candidates[rng.integers(len(candidates))]
        else:
            good = [i for i in candidates if classes[i].good]
            bad = [i for i in candidates if not classes[i].good]
            pool = bad if rng.random() < defect_rate else good
            class_index = pool[rng.integers(len(pool))]
    part = classes[class_index]
    image = render_part(part.family.key, part.condition.key, rng, size)
    texts = captions(part)
    return Sample(image, class_index, texts[rng.integers(len(texts))], part)


def draw_part(seed: int, index: int, family: str, condition: str, size: int = 128) -> np.ndarray:
    """Sample `index` of stream `seed` of one family's condition, any family the generator draws (also those the
    demo models never saw); for a trained family the same image as `draw_sample` with that class."""
    return render_part(family, condition, np.random.default_rng([seed, index]), size)


def draw_batch(seed: int, start: int, count: int, size: int, families: tuple[str, ...] = TRAINED_KEYS,
               ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """`count` consecutive samples of these families' classes as (N x H x W x 3 uint8, N class indices, N captions)."""
    classes = classes_of(families)
    samples = [draw_sample(seed, start + k, size, classes=classes) for k in range(count)]
    images = np.stack([s.image for s in samples])
    labels = np.array([s.class_index for s in samples], np.int64)
    return images, labels, [s.caption for s in samples]


def contact_sheet(path: Path, seed: int = 0, size: int = 64, per_class: int = 4,
                  classes: tuple[PartClass, ...] | None = None) -> Path:
    """A grid: one row per class (the bundled models' unless told), `per_class` examples, labelled; for looking at
    the data."""
    import cv2

    label_w = 170
    rows = []
    classes = classes or ALL_CLASSES
    for ci, part in enumerate(classes):
        tiles = [draw_sample(seed, k, size, class_index=ci, classes=classes).image for k in range(per_class)]
        label = np.full((size, label_w, 3), 255, np.uint8)
        cv2.putText(label, part.label, (4, size // 2 + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
        rows.append(np.concatenate([label, *tiles], axis=1))
    sheet = np.concatenate(rows, axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return path
