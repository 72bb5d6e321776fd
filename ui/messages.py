"""Words from the station (errors, reasons, summaries) in the window's language."""

from __future__ import annotations


def error_words(error: BaseException) -> str:
    """An error from station/ as the window says it."""
    return str(error) or type(error).__name__
