"""One module per part family: `draw(rng, n, cx, cy, s, angle, condition)` returns the part's mask, its surface and
the radii its defects are drawn between. Adding a family is a module here, a line below and its `Family` in
station.catalog (`trained=False`: not among the bundled demo models' classes; `unseen=True`: kept out of every demo
training)."""

from __future__ import annotations

from . import bearing, bolt, bottle_cap, bracket, casting, connector, gear, hex_nut, label, pcb_tile, spring, washer

DRAW = {"washer": washer.draw, "hex_nut": hex_nut.draw, "pcb_tile": pcb_tile.draw, "bracket": bracket.draw,
        "spring": spring.draw, "bolt": bolt.draw, "gear": gear.draw, "bearing": bearing.draw,
        "bottle_cap": bottle_cap.draw, "label": label.draw, "casting": casting.draw, "connector": connector.draw}
