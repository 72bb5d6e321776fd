"""Local accounts, roles and the permission check every entry point goes through."""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .audit.seals import matches_seal
from .storage.models import User
from .errors import StationError, InvalidInput
from .messages import Message
from .sign_in_throttle import record_failure, record_success, seconds_to_wait

ROLES = ("operator", "reviewer", "manager")
DESK_ACCOUNT = "plant-desk"
ROLLOUT_ACCOUNT = "plant-rollout"
SYSTEM_ACCOUNTS = {DESK_ACCOUNT: "decisions from the plant's review desk are recorded under",
                   ROLLOUT_ACCOUNT: "product versions the plant rolls out are installed under"}
NO_PASSWORD = "!"  # not a scrypt hash: no password matches it, so no one signs in as the account that has it
# What each role may do; a manager may do everything.
PERMISSIONS = {
    "inspect": {"operator", "reviewer", "manager"},
    "records.read": {"operator", "reviewer", "manager"},  # history, the queue, prompt sets, runs: any account
    "review": {"reviewer", "manager"},
    "failsafe.reset": {"manager"},
    "prompts.manage": {"manager"},
    "models.import": {"manager"},
    "selftest.run": {"manager"},
    "gate.manage": {"manager"},
    "products.manage": {"manager"},  # onboard, accept (sign) and switch the live product
    # record a version that arrived, unsigned: the plant's roll-out account ("plant" role) may do this and no more
    "products.receive": {"manager", "plant"},
    "settings.change": {"manager"},
    "keys.manage": {"manager"},  # which plant keys may sign the packs this station imports
    "users.manage": {"manager"},
    "audit.read": {"manager"},
}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AuthError(StationError):
    """Wrong user name or password, or an inactive account."""


class SignInThrottled(AuthError):
    """Too many failed sign-ins in a row for this account or from this source: wait before the next try."""


class AccountTampered(AuthError):
    """The account's record does not match its audit seal: changed outside the station."""


class PermissionDenied(StationError):
    """The signed-in user's role does not allow this action."""

    def __init__(self, message: str, actor: str = "", permission: str = ""):
        super().__init__(message)
        self.actor = actor  # "" when nobody was signed in
        self.permission = permission


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    found = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(found.hex(), digest)


def require(user: User | None, permission: str) -> None:
    allowed = PERMISSIONS[permission]
    if user is None:
        raise PermissionDenied(Message("auth.sign_in_first", permission=permission, roles=" or ".join(sorted(allowed))),
                               permission=permission)
    if not user.active:
        raise PermissionDenied(Message("auth.deactivated", user=user.username), user.username, permission)
    if user.role not in allowed:
        raise PermissionDenied(
            Message("auth.not_allowed", user=user.username, role=user.role, permission=permission,
                    roles=" or ".join(sorted(allowed))), user.username, permission,
        )


def acting(session: Session, user: User | None) -> User | None:
    """The user as the database has them now, in this transaction: a user deactivated or demoted since they
    signed in acts with what they are now (merging the signed-in copy would write its old role back)."""
    if user is None:
        return None
    row = session.get(User, user.id, populate_existing=True)
    if row is None:
        raise PermissionDenied(Message("auth.gone", user=user.username), user.username)
    return row


def record_refusal(db, error: PermissionDenied, via: str) -> None:
    """Audits a refused action in its own transaction (the refused work's transaction is rolled back)."""
    with db.transaction() as s:
        audit.record(s, error.actor or "(not signed in)", "refused", permission=error.permission, via=via,
                     reason=str(error))


def user_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def create_user(session: Session, username: str, role: str, password: str, by: User | None,
                display_name: str = "", **audit_detail) -> User:
    """The very first account needs no one's permission and must be a manager. Audited as 'user.add'."""
    if role not in ROLES:
        raise InvalidInput(Message("auth.bad_role", roles=", ".join(ROLES), role=role))
    if not username or len(username) > 64:
        raise InvalidInput(Message("auth.bad_name"))
    if username in SYSTEM_ACCOUNTS:  # the plant's own accounts: no one signs in as them
        raise InvalidInput(f"'{username}' is the name {SYSTEM_ACCOUNTS[username]}; choose another name")
    if len(password) < 8:
        raise InvalidInput(Message("auth.short_password"))
    if user_count(session) == 0:
        if role != "manager":
            raise InvalidInput(Message("auth.first_is_manager"))
    else:
        require(by, "users.manage")
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidInput(Message("auth.exists", user=username))
    user = User(username=username, role=role, password_hash=hash_password(password), display_name=display_name)
    session.add(user)
    session.flush()
    audit.record(session, by.username if by else "setup", "user.add", username=username, role=role, **audit_detail)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not check_password(password, user.password_hash):
        raise AuthError(Message("auth.wrong_password"))
    if not matches_seal(session, user):
        raise AccountTampered(Message("auth.changed_outside", user=username))
    if not user.active:
        raise AuthError(Message("auth.deactivated", user=username))
    return user


def sign_in(db, username: str, password: str, via: str, source: str = "", **detail) -> User:
    """authenticate() plus the audit trail (failed attempts too) and the back-off after failures
    (station.sign_in_throttle); returns a user detached from any session. `source`: where the attempt comes
    from (a PLC's address, the command line's OS user); `via` when not given."""
    source = source or via
    account = username[:64] or "?"
    with db.transaction() as s:
        wait, why = seconds_to_wait(s, account, source)
        if wait > 0:
            audit.record(s, account, "sign_in.throttled", via=via, source=source, wait_s=round(wait, 1), of=why)
    if wait > 0:
        raise SignInThrottled(Message("auth.throttled_account" if why == "account" else "auth.throttled_source",
                                      seconds=max(1, round(wait))))
    try:
        with db.transaction() as s:
            user = authenticate(s, username, password)
            record_success(s, account)
            audit.record(s, user.username, "sign_in", via=via, **detail)
            s.expunge(user)
            return user
    except AccountTampered:  # not a mistyped password: the record was changed with a tool outside the station
        with db.transaction() as s:
            audit.record(s, username[:64], "sign_in.refused_tampered", account=username[:64], via=via)
        raise
    except AuthError:
        with db.transaction() as s:
            failures = record_failure(s, account, source)
            audit.record(s, account, "sign_in.failed", via=via, source=source, in_a_row=failures)
        raise


def sign_out(session: Session, user: User, via: str, reason: str = "user") -> None:
    audit.record(session, user.username, "sign_out", via=via, reason=reason)


def _managed_user(session: Session, username: str, by: User | None) -> User:
    require(by, "users.manage")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(Message("auth.no_such_user", user=username))
    return user


def _managers_left(session: Session, without: User) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "manager", User.active.is_(True), User.id != without.id,
        User.password_hash != NO_PASSWORD)) or 0  # the plant's roll-out account manages nothing by hand


def set_role(session: Session, username: str, role: str, by: User | None) -> User:
    if role not in ROLES:
        raise InvalidInput(Message("auth.bad_role", roles=", ".join(ROLES), role=role))
    user = _managed_user(session, username, by)
    if user.role == "manager" and role != "manager" and _managers_left(session, user) == 0:
        raise InvalidInput(Message("auth.last_manager_role", user=username))
    old, user.role = user.role, role
    audit.record(session, by.username, "user.role", username=username, old=old, new=role)
    return user


def set_active(session: Session, username: str, active: bool, by: User | None) -> User:
    user = _managed_user(session, username, by)
    if not active and user.role == "manager" and _managers_left(session, user) == 0:
        raise InvalidInput(Message("auth.last_manager_off", user=username))
    user.active = active
    audit.record(session, by.username, "user.activate" if active else "user.deactivate", username=username)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))



def desk_account(session: Session) -> User:
    """The reviewer account a decision from the plant's review desk is recorded under at the frame's station (the
    desk reviewer's own name goes in its note and audit entry). Made on first use; no one can sign in as it, and
    a manager who deactivates it stops the station taking desk decisions."""
    return _system_account(session, DESK_ACCOUNT, "reviewer", "Plant review desk", "plant desk")


def rollout_account(session: Session) -> User:
    """The account a product version the plant rolls out at a changeover is installed under (`[plant]
    install_at_changeover`). Its role, "plant", may record a version (unsigned) and nothing else: it signs nothing,
    makes nothing live, and is no role a person can be given. No one can sign in as it; a manager who deactivates
    it stops those installs."""
    return _system_account(session, ROLLOUT_ACCOUNT, "plant", "Plant roll-out", "plant roll-out")


def _system_account(session: Session, username: str, role: str, display_name: str, via: str) -> User:
    """Made on first use, with no password anyone could give."""
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.password_hash != NO_PASSWORD:
        raise StationError(f"the account '{username}' here has a password, so it is a person's, not the plant's: "
                           f"nothing is recorded under it; a manager renames or removes it")
    if user is None:
        user = User(username=username, role=role, password_hash=NO_PASSWORD, display_name=display_name)
        session.add(user)
        session.flush()
        audit.record(session, "system", "user.add", username=username, role=role, via=via)
    return user
