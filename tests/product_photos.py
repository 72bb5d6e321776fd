"""A quality engineer's folder of labelled photos, DIR/<class>/*, drawn by the part generator."""

from __future__ import annotations

from pathlib import Path

import cv2


def write_product_photos(folder: Path, counts: dict[str, int], family: str = "hex_nut", size: int = 160,
                         seed: int = 41) -> Path:
    """counts: {class folder: photos}; the folder "good" holds `family`'s good parts, any other its condition. Any
    family the generator draws, also one the demo models never saw ("bracket")."""
    from station.synth.samples import draw_part

    for n_class, (name, count) in enumerate(sorted(counts.items())):
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            image = draw_part(seed + n_class, i, family, name, size)
            cv2.imwrite(str(sub / f"{name}-{i:03d}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return folder
