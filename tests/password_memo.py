"""Password checks remembered within a test process: the accounts of the station templates are copied into most
tests, and each sign-in runs scrypt (tens of milliseconds) on the same password and the same stored hash.

Exact by construction: a check is remembered by the password and the whole stored hash (scheme, cost, salt,
digest), so its answer is the one scrypt gave for exactly those. Hashing a new password is not remembered: each
account still gets a salt of its own.
"""

from __future__ import annotations

import functools


def install() -> None:
    from station import auth

    auth.check_password = functools.lru_cache(maxsize=256)(auth.check_password)
