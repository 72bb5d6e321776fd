"""The verdict policy: two opinions in, PASS / FAIL / REVIEW out, with the reason."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

PASS, FAIL, REVIEW = "PASS", "FAIL", "REVIEW"


@dataclass(frozen=True)
class Opinion:
    label: str  # class key
    confidence: float


@dataclass(frozen=True)
class Decision:
    verdict: str
    reason: str  # empty for PASS / FAIL; why for REVIEW
    a: Opinion
    b: Opinion


NO_PART = "no part / unfamiliar frame"


def decide(a: Opinion, b: Opinion, good: dict[str, bool], conf_a: float, conf_b: float,
           manual_mode: bool = False, part_in_view: bool = True) -> Decision:
    """PASS or FAIL only when the input gate saw a part and both checks name its class with enough confidence.

    A confidence that is not a number (NaN) never counts as enough."""
    reasons = []
    if manual_mode:
        reasons.append("manual mode")
    if not part_in_view:
        reasons.append(NO_PART)
    if a.label != b.label:
        reasons.append("disagreement")
    if not a.confidence >= conf_a:
        reasons.append("low confidence A")
    if not b.confidence >= conf_b:
        reasons.append("low confidence B")
    if reasons:
        return Decision(REVIEW, ", ".join(reasons), a, b)
    return Decision(PASS if good[a.label] else FAIL, "", a, b)


class ReviewRateMonitor:
    """Trips when the share of REVIEW over the last `window` frames exceeds `max_share`.

    A burst of disagreements means an attack, drift or a dirty lens: the station
    should stop deciding on its own until a manager has looked.
    """

    def __init__(self, window: int, max_share: float, min_frames: int = 1):
        self.window, self.max_share, self.min_frames = window, max_share, min(min_frames, window)
        self._recent: deque[bool] = deque(maxlen=window)

    def observe(self, verdict: str) -> bool:
        """Record one verdict; True when the share now exceeds the limit."""
        self._recent.append(verdict == REVIEW)
        return len(self._recent) >= self.min_frames and self.share > self.max_share

    @property
    def share(self) -> float:
        return sum(self._recent) / len(self._recent) if self._recent else 0.0

    def clear(self) -> None:
        self._recent.clear()
