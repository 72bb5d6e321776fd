"""The base of every error the station explains to a person (no traceback needed)."""


class StationError(Exception):
    """A problem with a message that names what is wrong and how to fix it."""
