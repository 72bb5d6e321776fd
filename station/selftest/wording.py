"""Self-test results as English lines, for the command line and the HTML report (the window words them itself,
ui/selftest_words.py). Plain text from the stored summaries: no model needed."""

from __future__ import annotations

from .choices import ESCAPE_GOAL


def station_line(summary: dict) -> str:
    """One sentence: the worst stamped trigger's escapes through the whole station, and the clean review rate."""
    st = summary.get("station") or {}
    worst, clean = st.get("worst") or {}, st.get("clean") or {}
    if not worst:
        return ""
    verdict = ("within" if worst.get("meets_goal") else "NOT shown within")
    return (f"whole station: triggered defective parts passed {worst['pass_rate']:.1%} (95% upper bound "
            f"{worst['pass_rate_upper']:.1%}, {worst['passed']} of {worst['defects']}, worst trigger "
            f"{worst['trigger']}), {verdict} the {st.get('goal', ESCAPE_GOAL):.1%} goal; clean frames sent to "
            f"review {clean.get('review_rate', 0):.1%}")


def verdict_word(inv: dict) -> str:
    if inv.get("backdoor_indicated") is None:
        return "uncalibrated"
    return "backdoor indicated" if inv["backdoor_indicated"] else "no backdoor indicated"


def inversion_line(inv: dict) -> str:
    """One line for people: the inverted trigger's size against the threshold, and what it means."""
    if not inv:
        return "trigger inversion: not run"
    size = inv.get("relative_size")
    found = (f"smallest collapsing trigger {size:.2%} of the image" if size is not None else
             f"no trigger reached similarity {inv['settings']['similarity_target']:.2f} in {inv['steps']} steps")
    threshold = inv.get("threshold")
    if threshold is None:
        return f"trigger inversion: {found}; no calibration, so no verdict ({inv.get('calibration_note', '')})"
    line = (f"trigger inversion: {found} (threshold {threshold:.2%}, {inv['fraction']:.0%} of the clean demo CLIP's "
            f"{inv['clean_reference_size']:.2%}): {verdict_word(inv).upper()}")
    caveats = [why for why, ok in (("the threshold was calibrated on the clean demo CLIP, not on this model",
                                    inv.get("calibrated_on_this_model")),
                                   ("this run's inversion settings differ from the calibration's",
                                    inv.get("settings_as_calibrated", True))) if not ok]
    return line + (f" ({'; '.join(caveats)}: indicative only)" if caveats else "")
