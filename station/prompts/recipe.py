"""The RVPT tuning recipe (DESIGN.md: depth D, tokens b, alpha, shots): plain values, no torch, so a screen or
a command can build one without loading models."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RvptRecipe:
    first_prompted_block: int = 3  # D
    tokens_per_block: int = 10  # b (the paper's 50 removed less of the backdoor here and cost more accuracy)
    alpha: float = 2.0
    shots_per_class: int = 16
    batch_size: int = 32
    epochs: int = 50
    lr: float = 0.002
    momentum: float = 0.9
    init_std: float = 0.02
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_GRID = ((1, 10, 1.0), (1, 10, 2.0), (3, 10, 2.0), (1, 5, 2.0))
"""The (D, b, alpha) recipes the held-out selection rule (station.prompts.selection) chooses among: the depths that
matter on a shallow and a deep encoder, the paper's b = 5 and a middle one, its alpha = 2 and a gentler 1 (measured:
README "More shots")."""
