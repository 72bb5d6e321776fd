"""Words from the station (errors, reasons, summaries) in the window's language."""

from __future__ import annotations


def error_words(error: BaseException) -> str:
    """An error from station/ as the window says it."""
    return str(error) or type(error).__name__


def source_description(source) -> str:
    """What a frame source is, for the status line."""
    return source.description


def source_event_words(event) -> str:
    """A camera event (lost, back, a file skipped) for the status line."""
    return event.message
