"""Why a frame went to a person, in words: the decision's reason codes (data) as the live page, the review queue and
the plant desk say them, translated with the context "Reasons"."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_REASON_WORDS = {  # the decision's reason codes (data) and their words, translated with the context "Reasons"
    "manual mode": QT_TRANSLATE_NOOP("Reasons", "manual mode is on"),
    "disagreement": QT_TRANSLATE_NOOP("Reasons", "the two checks disagree"),
    "low confidence A": QT_TRANSLATE_NOOP("Reasons", "the vision model is unsure"),
    "low confidence B": QT_TRANSLATE_NOOP("Reasons", "the second check is unsure"),
    "unlike the good parts": QT_TRANSLATE_NOOP(
        "Reasons", "the second check finds it unlike every good part it learned (a defect it has not seen?)"),
    "no part / unfamiliar frame": QT_TRANSLATE_NOOP(
        "Reasons", "no whole part like this station's is in view (no part / unfamiliar frame)"),
    "no valid output A": QT_TRANSLATE_NOOP("Reasons", "the vision model gave no valid answer"),
    "no valid output B": QT_TRANSLATE_NOOP("Reasons", "the second check gave no valid answer"),
    "inspection error": QT_TRANSLATE_NOOP("Reasons", "the checks could not run on this picture"),
}

REASON_CODES = tuple(_REASON_WORDS)  # what a filter on the reason offers


_SHORT_REASONS = {  # for the live page, where a glance must do
    "manual mode": QT_TRANSLATE_NOOP("Reasons", "manual mode"),
    "disagreement": QT_TRANSLATE_NOOP("Reasons", "checks disagree"),
    "low confidence A": QT_TRANSLATE_NOOP("Reasons", "vision model unsure"),
    "low confidence B": QT_TRANSLATE_NOOP("Reasons", "second check unsure"),
    "unlike the good parts": QT_TRANSLATE_NOOP("Reasons", "unlike good parts"),
    "no part / unfamiliar frame": QT_TRANSLATE_NOOP("Reasons", "no whole part in view"),
    "no valid output A": QT_TRANSLATE_NOOP("Reasons", "vision model broken"),
    "no valid output B": QT_TRANSLATE_NOOP("Reasons", "second check broken"),
    "inspection error": QT_TRANSLATE_NOOP("Reasons", "checks failed"),
}


def _codes(reason: str) -> list[str]:
    """The stored reason's codes, without the details some carry ('inspection error: RuntimeError: ...')."""
    return [part.split(": ", 1)[0].strip() for part in reason.split(", ") if part.strip()]


def _words(reason: str, table: dict[str, str]) -> list[str]:
    """Each of the reason's codes in the window's language from `table` (a code it lacks as it is)."""
    return [QCoreApplication.translate("Reasons", table[code]) if code in table else code for code in _codes(reason)]


def short_reasons(reason: str, prefix: bool = True) -> str:
    """The reasons in a few words each: 'To check by hand: checks disagree, vision model unsure'."""
    if not reason:
        return ""
    words = _words(reason, _SHORT_REASONS)
    listed = QCoreApplication.translate("Reasons", ", ").join(words)
    return QCoreApplication.translate("Reasons", "To check by hand: {reasons}").format(reasons=listed) if prefix \
        else listed


def reason_words(reason: str, sentence: bool = True) -> str:
    """The decision's reasons in words for the line, e.g. 'the two checks disagree'."""
    if not reason:
        return ""
    words = _words(reason, _REASON_WORDS)
    parts = QCoreApplication.translate("Reasons", " and ").join(words)
    if not sentence:
        return parts
    return QCoreApplication.translate("Reasons", "Sent to the review queue: {reasons}.").format(reasons=parts)
