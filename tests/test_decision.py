"""The verdict policy and the review-rate fail-safe."""

from station.decision import FAIL, PASS, REVIEW, Opinion, Reason, ReviewRateMonitor, Verdict, decide, reasons_of

GOOD = {"w/good": True, "w/scratch": False, "w/crack": False}


def test_agreement_with_confidence_decides():
    assert decide(Opinion("w/good", 0.9), Opinion("w/good", 0.95), GOOD, 0.5, 0.7).verdict == PASS
    assert decide(Opinion("w/crack", 0.9), Opinion("w/crack", 0.95), GOOD, 0.5, 0.7).verdict == FAIL


def test_everything_else_goes_to_review_with_reasons():
    d = decide(Opinion("w/good", 0.9), Opinion("w/scratch", 0.95), GOOD, 0.5, 0.7)
    assert (d.verdict, d.reason) == (REVIEW, "disagreement")
    d = decide(Opinion("w/good", 0.4), Opinion("w/good", 0.6), GOOD, 0.5, 0.7)
    assert (d.verdict, d.reason) == (REVIEW, "low confidence A, low confidence B")
    d = decide(Opinion("w/good", 0.9), Opinion("w/good", 0.9), GOOD, 0.5, 0.7, manual_mode=True)
    assert (d.verdict, d.reason) == (REVIEW, "manual mode")


def test_monitor_trips_above_the_share_only():
    m = ReviewRateMonitor(window=10, max_share=0.5, min_frames=10)
    verdicts = [PASS, REVIEW] * 5  # exactly half: no trip
    assert not any(m.observe(v) for v in verdicts)
    assert m.observe(REVIEW)  # 6 of the last 10
    m.clear()
    assert m.share == 0.0


def test_reasons_are_typed_and_read_back_from_the_stored_text():
    d = decide(Opinion("w/good", 0.3), Opinion("w/scratch", 0.9), GOOD, 0.5, 0.7, manual_mode=True)
    assert d.reasons == (Reason.MANUAL_MODE, Reason.DISAGREEMENT, Reason.LOW_CONFIDENCE_A)
    assert reasons_of(d.reason) == d.reasons and reasons_of("") == ()
    assert d.verdict is Verdict.REVIEW and d.verdict == "REVIEW"  # stored and compared as plain text
