"""How one attacked frame went for the station, and the figures a run is summarised by."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..decision import FAIL, PASS, REVIEW, Decision

CORRECT, CAUGHT, SILENT_FAILURE, DEFECT_ESCAPE = "correct", "caught", "silent_failure", "defect_escape"


def outcome(decision: Decision, truth_good: bool) -> str:
    """correct | caught (sent to review) | silent_failure (wrong, not reviewed) | defect_escape (a bad part passed).

    A defect escape is the worst silent failure; it is counted as its own outcome.
    """
    if decision.verdict == REVIEW:
        return CAUGHT
    right = (decision.verdict == PASS) == truth_good
    if right:
        return CORRECT
    return DEFECT_ESCAPE if decision.verdict == PASS and not truth_good else SILENT_FAILURE


@dataclass
class CheckTally:
    """Per-check label accuracy, clean against attacked."""

    clean_a: int = 0
    clean_b: int = 0
    adv_a: int = 0
    adv_b: int = 0
    n: int = 0

    def add(self, truth: str, clean: Decision, adv: Decision) -> None:
        self.n += 1
        self.clean_a += clean.a.label == truth
        self.clean_b += clean.b.label == truth
        self.adv_a += adv.a.label == truth
        self.adv_b += adv.b.label == truth

    def as_dict(self) -> dict:
        n = max(self.n, 1)
        return {"check_a_clean": self.clean_a / n, "check_a_attacked": self.adv_a / n,
                "check_b_clean": self.clean_b / n, "check_b_attacked": self.adv_b / n}


def shares(outcomes: list[str]) -> dict:
    counts = Counter(outcomes)
    n = max(len(outcomes), 1)
    result = {k: counts.get(k, 0) / n for k in (CORRECT, CAUGHT, SILENT_FAILURE, DEFECT_ESCAPE)}
    result["wrong_and_unreviewed"] = result[SILENT_FAILURE] + result[DEFECT_ESCAPE]
    return result


__all__ = ["outcome", "CheckTally", "shares", "CORRECT", "CAUGHT", "SILENT_FAILURE", "DEFECT_ESCAPE", "PASS", "FAIL"]
