"""Who may talk to the station's OPC UA server: the settings' one PLC account, trusted client certificates,
and anonymous clients only where `[links] opcua_anonymous = true` says so.

The password lives in a file only the station's account can read (named by `opcua_password_file`), never in
station.toml, which is copied into packs and shown on the Settings page. It is compared in constant time.
"""

from __future__ import annotations

import hmac
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from asyncua import ua
from asyncua.common.utils import ServiceError
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.server.internal_server import InternalServer
from asyncua.server.internal_session import InternalSession, SessionState
from asyncua.server.user_managers import UserManager
from cryptography import x509

from .. import secrets
from ..config_schema import LinksSpec
from ..sign_in_throttle import wait_after
from .base import LinkError

CERT_SUFFIXES = (".der", ".pem", ".crt", ".cer")
MAX_UNACTIVATED_SESSIONS = 16  # created, not yet signed in: a PLC needs one for a moment


def private_file(path: str | Path, setting: str, what: str) -> Path:
    """`path`, checked to exist and to be readable by the station's account alone; LinkError naming the fix."""
    return secrets.private_file(path, f"[links] {setting}", what, LinkError)


def read_password_file(path: str | Path) -> str:
    """The first line of the password file (the password is never written in station.toml)."""
    return secrets.read_private_line(path, "[links] opcua_password_file",
                                     "the PLC account's password", LinkError)


def _load_certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError as e:
        raise LinkError(f"{path} is not an X.509 certificate ({e}); put only the PLCs' certificates "
                        "(.der or .pem) in [links] opcua_trusted_clients") from None


def trusted_certificates(folder: str | Path) -> set[bytes]:
    """The DER bytes of every certificate in the trusted-clients folder."""
    d = Path(folder).expanduser()
    if not d.is_dir():
        raise LinkError(f"[links] opcua_trusted_clients: {d} is not a folder; make it and copy each PLC's "
                        "certificate (.der or .pem) into it")
    from cryptography.hazmat.primitives.serialization import Encoding

    return {_load_certificate(f).public_bytes(Encoding.DER) for f in sorted(d.iterdir())
            if f.is_file() and f.suffix.lower() in CERT_SUFFIXES}


def certificate_uri(path: str | Path) -> str | None:
    """The application URI a server certificate names (its subjectAltName URI), which the server must use."""
    cert = _load_certificate(Path(path).expanduser())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    return uris[0] if uris else None


def _same(a: str | bytes, b: str | bytes) -> bool:
    a = a.encode("utf-8") if isinstance(a, str) else a
    b = b.encode("utf-8") if isinstance(b, str) else b
    return hmac.compare_digest(a, b)


@dataclass
class Access:
    """The identities the server accepts, read from the settings and the files they name."""

    anonymous: bool = False
    user: str = ""
    password: str = ""
    trusted: set[bytes] = field(default_factory=set)

    @classmethod
    def from_settings(cls, links: LinksSpec) -> Access:
        password = read_password_file(links.opcua_password_file) if links.opcua_user else ""
        trusted = trusted_certificates(links.opcua_trusted_clients) if links.opcua_trusted_clients else set()
        if links.opcua_trusted_clients and not trusted:
            raise LinkError(f"[links] opcua_trusted_clients: {links.opcua_trusted_clients} holds no certificate; "
                            "copy each PLC's certificate (.der or .pem) into it")
        return cls(links.opcua_anonymous, links.opcua_user, password, trusted)

    def identity_tokens(self) -> list[type]:
        tokens = []
        if self.anonymous:
            tokens.append(ua.AnonymousIdentityToken)
        if self.user:
            tokens.append(ua.UserNameIdentityToken)
        if self.trusted:
            tokens.append(ua.X509IdentityToken)
        return tokens


class StationUserManager(UserManager):
    """Decides each session's identity: the PLC account, a trusted certificate, or (if allowed) anonymous.
    Every accepted identity may read and write (the Trigger variable is the only writable one); none may
    change the address space."""

    def __init__(self, access: Access):
        self.access = access

    def get_user(self, iserver, username=None, password=None, certificate=None) -> User | None:
        a = self.access
        if username is not None:  # a user name token: both compared in full, whatever matches first
            name_ok = _same(username, a.user) if a.user else False
            password_ok = _same(password or "", a.password) if a.password else False
            return User(role=UserRole.User, name=username) if name_ok and password_ok else None
        if certificate is not None and a.trusted:  # an X.509 token, signed by its key (checked by asyncua)
            der = certificate if isinstance(certificate, bytes) else bytes(certificate)
            trusted = any(_same(der, t) for t in a.trusted)
            return User(role=UserRole.User, name="trusted certificate") if trusted else None
        if a.anonymous:
            return User(role=UserRole.User, name="anonymous")
        return None


class SignInBackoff:
    """Failed sign-ins per client address, in memory (the link is one long-lived process): after a few, each next
    attempt from that address waits twice as long (station.sign_in_throttle's rule), refused unread meanwhile."""

    MAX_ADDRESSES = 1024  # the oldest are forgotten beyond this: memory a scan of addresses cannot fill

    def __init__(self, on_failure: Callable[[str, int], None] | None = None, clock: Callable[[], float] = time.monotonic):
        self.failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self.on_failure, self.clock = on_failure, clock

    def wait(self, host: str) -> float:
        count, at = self.failures.get(host, (0, 0.0))
        return max(0.0, wait_after(count) - (self.clock() - at))

    def failed(self, host: str) -> None:
        count = self.failures.pop(host, (0, 0.0))[0] + 1
        self.failures[host] = (count, self.clock())
        while len(self.failures) > self.MAX_ADDRESSES:
            self.failures.popitem(last=False)
        if self.on_failure is not None:
            self.on_failure(host, count)

    def succeeded(self, host: str) -> None:
        self.failures.pop(host, None)


_SIGN_IN_REFUSED = (ua.StatusCodes.BadUserAccessDenied, ua.StatusCodes.BadIdentityTokenInvalid,
                    ua.StatusCodes.BadIdentityTokenRejected)


class _GuardedSession(InternalSession):
    """Sign-ins go through the link's back-off: a client address that keeps failing waits before its next try."""

    def activate_session(self, params, peer_certificate):
        backoff: SignInBackoff | None = getattr(self.iserver, "backoff", None)
        host = str(self.name[0]) if isinstance(self.name, (tuple, list)) and self.name else str(self.name)
        if backoff is not None and backoff.wait(host) > 0:
            raise ServiceError(ua.StatusCodes.BadUserAccessDenied)  # not even read: the guesser must wait
        try:
            result = super().activate_session(params, peer_certificate)
        except (ServiceError, ua.uaerrors.UaStatusCodeError) as e:
            if backoff is not None and getattr(e, "code", None) in _SIGN_IN_REFUSED:
                backoff.failed(host)
            raise
        if backoff is not None:
            backoff.succeeded(host)
        return result


class _EncryptedSession(_GuardedSession):
    def activate_session(self, params, peer_certificate):
        # asyncua lets any client open an unencrypted channel (meant for discovery) and sign in on it, even when
        # no endpoint offers that: refuse. Only a channel of one of the offered (encrypting) policies carries the
        # client's certificate here (the unencrypted one gives b"").
        if not peer_certificate:
            raise ServiceError(ua.StatusCodes.BadSecurityModeRejected)
        return super().activate_session(params, peer_certificate)


class StationInternalServer(InternalServer):
    """asyncua's server core, which with `encrypted_only` lets clients sign in on encrypted channels alone."""

    def __init__(self, user_manager: UserManager, encrypted_only: bool, backoff: SignInBackoff | None = None):
        super().__init__(user_manager=user_manager)
        self.encrypted_only = encrypted_only
        self.backoff = backoff

    def _forget_unactivated(self, keep: int) -> None:
        """asyncua keeps every session a client creates and never activates, with no timeout: memory anyone who
        reaches the port could fill. Keep the newest `keep`; an older one's ActivateSession then fails."""
        waiting = [x for x in self._external_sessions.values() if x.state == SessionState.Created]
        for old in waiting[:max(0, len(waiting) - keep)]:  # dicts keep their order: oldest first
            self.unregister_external_session(old)

    def register_server(self, server, conf=None) -> None:
        # RegisterServer is a discovery server's service; asyncua accepts it from anyone, unencrypted and without
        # a session, and keeps every entry: memory anyone could fill, in the inspecting process. This is no
        # discovery server.
        raise ServiceError(ua.StatusCodes.BadServiceUnsupported)

    def create_session(self, name: str, user: User = User(role=UserRole.Anonymous), external: bool = False):
        if external:
            self._forget_unactivated(keep=MAX_UNACTIVATED_SESSIONS - 1)
        session = (_EncryptedSession if self.encrypted_only else _GuardedSession) if external else InternalSession
        return session(self, self.aspace, self.subscription_service, name, user=user, external=external)
