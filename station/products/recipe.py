"""What a manager chooses for an onboarding: check B's training recipe and the onboarding's choices. Plain values,
no torch, so that a command or a screen can build them without loading models."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..prompts.recipe import DEFAULT_GRID, RvptRecipe


@dataclass(frozen=True)
class CheckBRecipe:
    image_size: int = 128  # twice the demo CNN's: a scratch one pixel wide on a 256 px frame survives
    epochs: int = 40
    batch: int = 32
    lr: float = 3e-3
    seed: int = 0
    pretrained: bool = True  # a part CNN's convolutions as the start (sizes of any input fit them); off: random
    start_folder: str = ""  # the part CNN folder to start from; "": the bundled check-B start (paths.check_b_start_dir)
    kept_blocks: int = 3  # the start's first blocks kept as they are: the good-parts memory reads them (README)
    shift: float = 0.06  # augmentation: random shift of up to this share of the side
    rotate_degrees: float = 10.0
    light: float = 0.15  # brightness and contrast jitter
    flips: bool = False  # off: a mirrored part may itself be a defect (wrong way round)
    memory_patches: int = 10_000  # the anomaly memory's size cap (its rows: 96 numbers each at width 16)
    anomaly_false_review: float = 0.05  # share of good calibration photos the anomaly threshold may call unusual

    def __post_init__(self):
        if not 0 <= self.kept_blocks <= 4:  # PartCNN's four blocks
            raise InvalidInput(f"check B's kept_blocks must be 0 to 4 (the CNN's blocks), not {self.kept_blocks}")


@dataclass(frozen=True)
class OnboardingChoices:
    good: str  # the class folder of good parts
    name_en: str = ""
    name_ja: str = ""
    seed: int = 0
    tune_prompts: bool = True  # check A's RVPT prompts (minutes on 2 cores); off: the plain CLIP
    prompt_grid: tuple = DEFAULT_GRID  # the (D, b, alpha) recipes the held-out rule chooses among
    prompt_epochs: int = RvptRecipe.epochs  # the most passes of each; the rule stops a recipe earlier
    check_b: CheckBRecipe = field(default_factory=CheckBRecipe)
    max_escapes: int = 0  # thresholds: defective calibration photos that may pass
    max_false_fail: float = 0.05  # thresholds: share of good calibration photos that may fail
    class_names: tuple = ()  # (key, name, name in Japanese) per class folder, for people; unnamed: the folder's name
