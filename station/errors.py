"""The base of every error the station explains to a person (no traceback needed)."""


class StationError(Exception):
    """A problem with a message that names what is wrong and how to fix it."""


class InvalidInput(StationError, ValueError):
    """Something a person gave (a name, a number, a choice, a file) cannot be used; the message says what instead.

    Also a ValueError, for the code that checks values; the command line shows it as an error, while a bare
    ValueError from anywhere else is a bug and keeps its traceback."""


class Cancelled(Exception):
    """Long work (inspection, a self-test, tuning, a bank build, training) stopped because someone pressed Cancel.

    Not an error: the one exception every long function raises when its progress says stop."""
