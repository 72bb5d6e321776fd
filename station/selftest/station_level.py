"""What a trigger does to the whole station, not to check A alone.

A triggered defective part escapes only when the station passes it automatically: check A
(with or without prompts), check B, the input gate and the decision policy all let it
through. The price of a defence is the clean review rate: good and defective parts without a
trigger that the station sends to people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..decision import PASS, REVIEW
from ..progress import QUIET, Progress, stop_if_asked


@dataclass(frozen=True)
class StationFigures:
    frames: int
    passed: int  # decided PASS automatically
    reviewed: int
    right: int  # automatic verdicts that match the truth (clean frames)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.frames if self.frames else 0.0

    @property
    def pass_rate_upper(self) -> float:
        """95% upper bound of the pass rate (Wilson score): 0 escapes in 50 frames is not 0%."""
        return wilson_upper(self.passed, self.frames)

    @property
    def review_rate(self) -> float:
        return self.reviewed / self.frames if self.frames else 0.0

    @property
    def auto_accuracy(self) -> float:
        auto = self.frames - self.reviewed
        return self.right / auto if auto else 0.0

    def as_dict(self) -> dict:
        return {"frames": self.frames, "passed": self.passed, "reviewed": self.reviewed,
                "pass_rate": self.pass_rate, "pass_rate_upper": self.pass_rate_upper, "review_rate": self.review_rate, "auto_accuracy": self.auto_accuracy}


def wilson_upper(k: int, n: int, z: float = 1.96) -> float:
    if n == 0:
        return 1.0
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5)
    return min(1.0, (centre + spread) / (1 + z * z / n))


def judge_all(pipeline, images: Sequence[np.ndarray], truth_good: Sequence[bool], batch: int = 64,
              progress: Progress = QUIET) -> StationFigures:
    """The station's decisions (nothing recorded, fail-safe untouched) summed up against the truth."""
    passed = reviewed = right = 0
    for i in range(0, len(images), batch):
        stop_if_asked(progress, "judging the station")
        for d, good in zip(pipeline.judge(list(images[i : i + batch])), truth_good[i : i + batch]):
            passed += d.verdict == PASS
            reviewed += d.verdict == REVIEW
            right += d.verdict != REVIEW and (d.verdict == PASS) == good
    return StationFigures(len(images), passed, reviewed, right)
