"""The one error a pack gives: what is wrong with which file, and what to do."""

from __future__ import annotations

from ..errors import StationError


class PackError(StationError):
    """The pack is damaged, incomplete, unsigned or does not fit; the message says which file and what to do.

    `signer` is the fingerprint of the key the pack names, when the refusal is about it.
    """

    def __init__(self, message: str, signer: str | None = None):
        super().__init__(message)
        self.signer = signer
