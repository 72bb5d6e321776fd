"""What a person chooses for a self-test run, and the names its results carry: plain values, no torch.

A screen or a command builds these (and checks what was typed) without loading a model."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import InvalidInput, StationError

INVERSION_VARIANT = "inverted trigger (without prompts)"  # the probe's result rows of trigger inversion
ESCAPE_GOAL = 0.005  # at most 0.5% of triggered defective parts may pass the whole station

MODES = ("input", "frame")
MAX_STRENGTH = 64  # in 1/255 brightness steps: beyond this a perturbation is no longer a subtle attack


class StrengthError(StationError, ValueError):
    """A PRM strength (eps) that is not a number from 0 to MAX_STRENGTH."""


def parse_strengths(text: str) -> list[float]:
    """'4,8,16' (in 1/255 steps, as people give them) -> eps values; the same rule for the CLI and the GUI.

    0 is allowed: such a run is flagged as an ineffective attack, which is what it shows."""
    try:
        values = [float(t) for t in text.replace(" ", "").split(",") if t]
    except ValueError:
        raise StrengthError(f"strengths must be numbers separated by commas, e.g. 4,8,16; got {text!r}") from None
    if not values or any(not 0 <= v <= MAX_STRENGTH for v in values):  # NaN fails both
        raise StrengthError(f"each strength must be from 0 to {MAX_STRENGTH} (in 1/255 steps of brightness); "
                            f"got {text!r}")
    return [v / 255 for v in values]


@dataclass
class PrmRunSettings:
    eps: list[float] = field(default_factory=lambda: [8 / 255])
    iterations: int = 250
    batch_size: int = 8
    random_start: float = 0.0
    seed: int = 0
    keep_images: bool = True
    mode: str = "input"  # input | frame (module docstring)

    def __post_init__(self):
        if self.mode not in MODES:
            raise InvalidInput(f"PRM mode {self.mode!r} is not one of {', '.join(MODES)}")
        if not self.eps or any(not 0 <= e <= MAX_STRENGTH / 255 for e in self.eps):
            raise StrengthError(f"each PRM strength must be from 0 to {MAX_STRENGTH}/255; got {self.eps}")
        if self.iterations < 0 or self.batch_size < 1:
            raise StrengthError("PRM needs 0 or more iterations and a batch of 1 or more frames")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["eps_255"] = [round(e * 255, 3) for e in self.eps]
        return d


@dataclass(frozen=True)
class InversionSettings:
    steps: int = 100
    frames: int = 8  # clean frames the trigger must collapse (all used at every step)
    similarity_target: float = 0.9  # mean pairwise cosine of the stamped frames' embeddings
    lr: float = 0.1
    penalty_start: float = 1.0  # weight of the mask's relative size in the loss
    penalty_factor: float = 1.5  # raise / lower the weight by this after `patience` steps above / below target
    patience: int = 5
    early_stop: int = 40  # stop when this many steps met the target without shrinking the best size by 1%
    jitter: int | None = None  # random shift range in pixels; None: the encoder's patch size
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)
