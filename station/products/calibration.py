"""Thresholds chosen on the calibration photos, and the honest bound on an escape rate."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..decision import FAIL, PASS, REVIEW, decide
from ..judging import Opinions

# The settings' own floor (config_schema: a confidence of 0 would let every opinion decide); the grid's top is
# below 1 so a threshold can still be met by a sure check.
GRID = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95


def escape_upper_bound(escapes: int, defects: int, confidence: float = 0.95) -> float | None:
    """One-sided exact (Clopper-Pearson) upper bound on the escape rate after `escapes` of `defects` passed;
    None when there were no defects to measure. With 0 of n: 1 - 0.05^(1/n), about 3/n."""
    if defects <= 0:
        return None
    if escapes >= defects:
        return 1.0
    alpha = 1 - confidence

    def cdf(p: float) -> float:  # P(X <= escapes) for X ~ Binomial(defects, p), summed in logs (no overflow)
        if p <= 0:
            return 1.0
        if p >= 1:
            return 0.0
        logs = [math.lgamma(defects + 1) - math.lgamma(i + 1) - math.lgamma(defects - i + 1)
                + i * math.log(p) + (defects - i) * math.log1p(-p) for i in range(escapes + 1)]
        top = max(logs)
        return math.exp(top) * sum(math.exp(v - top) for v in logs)

    lo, hi = escapes / defects, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) > alpha else (lo, mid)
    return hi


@dataclass(frozen=True)
class Outcome:
    escapes: int  # defective parts passed
    false_fails: int  # good parts failed
    reviews: int
    frames: int
    defects: int
    goods: int

    @property
    def review_share(self) -> float:
        return self.reviews / self.frames if self.frames else 0.0


def outcome(opinions: Opinions, truth_good: list[bool], good: dict[str, bool], conf_a: float, conf_b: float) -> Outcome:
    verdicts = [decide(a, b, good, conf_a, conf_b, False, part, unusual).verdict
                for a, b, part, unusual in zip(opinions.a, opinions.b, opinions.part_in_view, opinions.unusual_b)]
    return Outcome(
        escapes=sum(v == PASS and not g for v, g in zip(verdicts, truth_good)),
        false_fails=sum(v == FAIL and g for v, g in zip(verdicts, truth_good)),
        reviews=sum(v == REVIEW for v in verdicts), frames=len(verdicts),
        defects=sum(not g for g in truth_good), goods=sum(truth_good))


def choose_thresholds(opinions: Opinions, truth_good: list[bool], good: dict[str, bool],
                      max_escapes: int = 0, max_false_fail: float = 0.05) -> tuple[float, float, dict]:
    """(conf_a, conf_b, figures): the pair that sends the fewest calibration photos to review while passing at most
    `max_escapes` defects and failing at most `max_false_fail` of the good ones; among equals the stricter pair.
    When no pair meets the limits, the pair with the fewest escapes (then false fails) is kept, and says so."""
    best, best_key = None, None
    for conf_a in GRID:
        for conf_b in GRID:
            o = outcome(opinions, truth_good, good, conf_a, conf_b)
            ok = o.escapes <= max_escapes and o.false_fails <= max_false_fail * max(o.goods, 1)
            key = (not ok, o.escapes if not ok else 0, o.false_fails if not ok else 0, o.reviews, -conf_a - conf_b)
            if best_key is None or key < best_key:
                best, best_key = (conf_a, conf_b, o, ok), key
    conf_a, conf_b, o, ok = best
    return conf_a, conf_b, {"met_limits": ok, "max_escapes": max_escapes, "max_false_fail": max_false_fail,
                            "photos": o.frames, "escapes": o.escapes, "false_fails": o.false_fails,
                            "review_share": round(o.review_share, 4)}
