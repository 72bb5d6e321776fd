"""Rendered parts remembered within a test process: many tests draw the same generated parts (the same reference
frames, the same photos), and drawing is most of what several of them spend.

Exact by construction: a part is remembered by everything that decides its pixels (family, condition, size,
centre and the generator's whole state before drawing), and a remembered part also leaves the generator in the
state drawing would have. Tests of the generator itself turn it off (`enabled`), so its determinism stays tested.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

BUDGET_BYTES = 256 * 1024 * 1024  # per process; the oldest go first
enabled = True
_parts: OrderedDict[str, tuple[np.ndarray, dict]] = OrderedDict()
_held = 0


def install() -> None:
    from station.synth import render, samples

    drawn = render.render_part

    def render_part(family, condition, rng, size=128, centre=None):
        global _held
        if not enabled:
            return drawn(family, condition, rng, size, centre)
        key = repr((family, condition, size, centre, rng.bit_generator.state))
        if key in _parts:
            _parts.move_to_end(key)
            image, after = _parts[key]
            rng.bit_generator.state = after
            return image.copy()
        image = drawn(family, condition, rng, size, centre)
        _parts[key] = (image.copy(), rng.bit_generator.state)
        _held += image.nbytes
        while _held > BUDGET_BYTES:
            _held -= _parts.popitem(last=False)[1][0].nbytes
        return image

    render.render_part = samples.render_part = render_part
