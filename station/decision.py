"""The verdict policy: two opinions in, PASS / FAIL / REVIEW out, with the reason."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    REVIEW = "REVIEW"  # a person decides (the review queue)


class Reason(StrEnum):
    """Why a frame went to review; stored joined by ', ' in the inspection's `reason`."""

    MANUAL_MODE = "manual mode"
    NO_PART = "no part / unfamiliar frame"
    DISAGREEMENT = "disagreement"
    LOW_CONFIDENCE_A = "low confidence A"
    LOW_CONFIDENCE_B = "low confidence B"
    UNUSUAL_B = "unlike the good parts"  # check B: no good part it learned looks like this one (an unseen defect?)
    INVALID_A = "no valid output A"  # check A gave no probability (NaN, infinite, out of 0..1): a broken model
    INVALID_B = "no valid output B"
    ERROR = "inspection error"  # the checks could not run on the frame; the error follows after ': '


PASS, FAIL, REVIEW = Verdict.PASS, Verdict.FAIL, Verdict.REVIEW
NO_PART = Reason.NO_PART


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

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return reasons_of(self.reason)


def reasons_of(reason: str) -> tuple[Reason, ...]:
    """The stored reason text as typed reasons (an unknown word from an older version is left out)."""
    known = {r.value: r for r in Reason}
    return tuple(known[w.split(": ", 1)[0]] for w in reason.split(", ") if w.split(": ", 1)[0] in known)


def valid_confidence(value: float) -> bool:
    """A probability a check may be trusted to have computed: a finite number from 0 to 1."""
    return isinstance(value, float) and math.isfinite(value) and 0.0 <= value <= 1.0 + 1e-6


def error_reason(error: BaseException) -> str:
    """The ERROR reason naming what went wrong, kept to one stored reason (no ', ' inside) of bounded length."""
    text = f"{type(error).__name__}: {error}".replace(", ", "; ").replace("\n", " ")
    return f"{Reason.ERROR.value}: {text}"[:400]


def decide(a: Opinion, b: Opinion, good: dict[str, bool], conf_a: float, conf_b: float,
           manual_mode: bool = False, part_in_view: bool = True, unusual_b: bool = False) -> Decision:
    """PASS or FAIL only when the input gate saw a part and both checks name its class with enough confidence.
    A part check B calls good but finds unlike every good part it learned (`unusual_b`) is never passed.

    A confidence that is not a probability (NaN, infinite, outside 0..1) never counts: the frame goes to review
    with the check named as giving no valid output."""
    reasons = []
    if manual_mode:
        reasons.append(Reason.MANUAL_MODE)
    if not part_in_view:
        reasons.append(Reason.NO_PART)
    if a.label != b.label:
        reasons.append(Reason.DISAGREEMENT)
    if not valid_confidence(a.confidence):
        reasons.append(Reason.INVALID_A)
    elif not a.confidence >= conf_a:
        reasons.append(Reason.LOW_CONFIDENCE_A)
    if not valid_confidence(b.confidence):
        reasons.append(Reason.INVALID_B)
    elif not b.confidence >= conf_b:
        reasons.append(Reason.LOW_CONFIDENCE_B)
    if unusual_b and good.get(b.label, False):
        reasons.append(Reason.UNUSUAL_B)
    if reasons:
        return Decision(REVIEW, ", ".join(r.value for r in reasons), a, b)
    return Decision(PASS if good[a.label] else FAIL, "", a, b)


class ReviewRateMonitor:
    """Trips when the share of REVIEW over the last `window` frames exceeds `max_share`.

    A burst of disagreements means an attack, drift or a dirty lens: the station
    should stop deciding on its own until a manager has looked.
    """

    def __init__(self, window: int, max_share: float, min_frames: int = 1):
        self.window, self.max_share, self.min_frames = window, max_share, min(min_frames, window)
        self._recent: deque[bool] = deque(maxlen=window)

    def take_up(self, verdicts: list[str]) -> None:
        """Earlier verdicts, oldest first (e.g. another process's, from the records); the next `observe` judges
        them with its own."""
        self._recent.extend(v == REVIEW for v in verdicts)

    def observe(self, verdict: str) -> bool:
        """Record one verdict; True when the share now exceeds the limit."""
        self._recent.append(verdict == REVIEW)
        return len(self._recent) >= self.min_frames and self.share > self.max_share

    @property
    def share(self) -> float:
        return sum(self._recent) / len(self._recent) if self._recent else 0.0

    def clear(self) -> None:
        self._recent.clear()
