"""A quality engineer's folder of labelled photos, DIR/<class>/*, drawn by the part generator."""

from __future__ import annotations

from pathlib import Path

import cv2

from station.catalog import ALL_CLASSES

CLASS_INDEX = {c.key: i for i, c in enumerate(ALL_CLASSES)}


def write_product_photos(folder: Path, counts: dict[str, int], family: str = "hex_nut", size: int = 160,
                         seed: int = 41) -> Path:
    """counts: {class folder: photos}; the folder "good" holds `family`'s good parts, any other its condition."""
    from station.synth.samples import draw_sample

    for n_class, (name, count) in enumerate(sorted(counts.items())):
        key = f"{family}/{name}"
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            sample = draw_sample(seed + n_class, i, size, class_index=CLASS_INDEX[key])
            cv2.imwrite(str(sub / f"{name}-{i:03d}.png"), cv2.cvtColor(sample.image, cv2.COLOR_RGB2BGR))
    return folder
