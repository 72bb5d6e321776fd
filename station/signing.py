"""Plant signing keys (Ed25519): making a key pair, signing bytes, checking a signature.

A key is named by its fingerprint: the sha256 (hex) of the raw 32-byte public key. The private key
stays on the machine that exports packs; stations hold only public keys a manager has trusted
(station.trusted_keys).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import StationError

SIGNATURE_BYTES = 64
KEY_FILE_MAX_BYTES = 16 * 1024  # a PEM key is a few hundred bytes; anything bigger is not one


class SigningError(StationError):
    """A key file is missing, unreadable or not an Ed25519 key; the message names the file and the fix."""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > KEY_FILE_MAX_BYTES:
            raise SigningError(f"{path} is too large to be a {what}; check that you named the right file")
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"no {what} at {path}; make one with: station pack keygen --out plant.key") from None
    except OSError as e:
        raise SigningError(f"{path}: cannot read the {what} ({e.strerror})") from e


def generate_key_pair(out: Path | str) -> tuple[Path, Path, str]:
    """Writes the private key to `out` (PEM, mode 0600) and the public key beside it as .pub.

    Refuses to overwrite either file: losing a plant key means every station must trust a new one.
    Returns (private path, public path, fingerprint).
    """
    out = Path(out)
    if out.suffix == ".pub":
        raise SigningError(f"{out}: --out names the private key (e.g. plant.key); the .pub file is written beside it")
    pub = out.with_suffix(".pub")
    for path in (out, pub):
        if path.exists():
            raise SigningError(f"{path} exists already; keygen never overwrites a key: choose another --out name")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    except FileExistsError:
        raise SigningError(f"{out} exists already; choose another --out name") from None
    with os.fdopen(fd, "wb") as f:
        f.write(private)
    try:
        fd = os.open(pub, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        out.unlink()
        raise SigningError(f"{pub} exists already; choose another --out name") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(public_pem(key.public_key()))
    return out, pub, fingerprint(key.public_key())


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    path = Path(path)
    data = _read_key_file(path, "private signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise SigningError(f"{path} is not an unencrypted PEM private key ({e}); "
                           "use the .key file that `station pack keygen` wrote") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path} is a {type(key).__name__}, not an Ed25519 key; make one with station pack keygen")
    return key


def load_public_key(data: bytes | str, origin: str = "public key") -> Ed25519PublicKey:
    """A PEM public key as `station pack keygen` writes it (the .pub file)."""
    if isinstance(data, str):
        data = data.encode("ascii", errors="replace")
    if len(data) > KEY_FILE_MAX_BYTES:
        raise SigningError(f"{origin} is too large to be a public key; name the .pub file keygen wrote")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise SigningError(f"{origin} is not a PEM public key ({e}); name the .pub file keygen wrote, "
                           "not the private .key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{origin} is a {type(key).__name__}, not an Ed25519 key; stations trust only Ed25519 plant keys")
    return key


def load_public_key_file(path: Path | str) -> Ed25519PublicKey:
    path = Path(path)
    return load_public_key(_read_key_file(path, "public key"), str(path))


def sign(private_key: Ed25519PrivateKey, data: bytes) -> bytes:
    return private_key.sign(data)


def signature_valid(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
