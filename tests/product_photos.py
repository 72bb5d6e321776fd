"""A quality engineer's folder of labelled photos, DIR/<class>/*, drawn by the part generator."""

from __future__ import annotations

from pathlib import Path

import cv2

# Encoded photos by what drew them: several tests draw the same photos, and drawing one at 160 px costs about as
# much as a test's own work on it. Per process (each xdist worker keeps its own).
_DRAWN: dict[tuple, bytes] = {}


def _photo_png(seed: int, index: int, family: str, condition: str, size: int) -> bytes:
    from station.synth.samples import draw_part

    key = (seed, index, family, condition, size)
    if key not in _DRAWN:
        image = draw_part(seed, index, family, condition, size)
        ok, png = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        assert ok
        _DRAWN[key] = png.tobytes()
    return _DRAWN[key]


def write_product_photos(folder: Path, counts: dict[str, int], family: str = "hex_nut", size: int = 160,
                         seed: int = 41) -> Path:
    """counts: {class folder: photos}; the folder "good" holds `family`'s good parts, any other its condition. Any
    family the generator draws, also one the demo models never saw ("bracket")."""
    for n_class, (name, count) in enumerate(sorted(counts.items())):
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            (sub / f"{name}-{i:03d}.png").write_bytes(_photo_png(seed + n_class, i, family, name, size))
    return folder
