"""The base of every error the station explains to a person (no traceback needed)."""


class StationError(Exception):
    """A problem with a message that names what is wrong and how to fix it."""


class Cancelled(Exception):
    """Long work (inspection, a self-test, tuning, a bank build, training) stopped because someone pressed Cancel.

    Not an error: the one exception every long function raises when its progress says stop."""
