"""Accounts, signing in and out, and the audit trail's pages, for the GUI and the CLI.

These need only the station's database (`station.db`), so the CLI answers them without loading models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import audit
from ..auth import (  # AuthError, PERMISSIONS and ROLES re-exported for the window
    AuthError, PERMISSIONS, ROLES, PermissionDenied, acting, create_user, list_users, record_refusal, require, set_active, set_role,
    sign_in, sign_out, user_count,
)
from ..storage.models import User
from ..messages import Message

DEMO_PASSWORD = "demo-pass"
DEMO_ACCOUNTS = (("manager", "manager"), ("reviewer", "reviewer"), ("operator", "operator"))


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    active: bool


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    actor: str
    action: str
    detail: dict


def needs_first_account(db) -> bool:
    with db.session() as s:
        return user_count(s) == 0


def create_first_manager(db, username: str, password: str, repeated: str) -> User:
    """A new station's first account (a manager), signed in."""
    if password != repeated:
        raise AuthError(Message("auth.passwords_differ"))
    with db.transaction() as s:
        if user_count(s):
            raise AuthError(Message("auth.has_accounts"))
        create_user(s, username, "manager", password, None)
    return sign_in(db, username, password, via="gui")


def sign_in_user(db, username: str, password: str, via: str = "gui", **where) -> User:
    """`where`: source (who asks: the back-off counts per source) and command, for the audit trail."""
    return sign_in(db, username, password, via=via, **where)


def check_permission(db, user: User | None, permission: str) -> None:
    """PermissionDenied unless `user`, as the database has them now, may `permission` (before slow work starts)."""
    with db.session() as s:
        require(acting(s, user), permission)


def require_signed_in(db, user: User | None, permission: str, refusal: str) -> None:
    """Once the station has accounts, `user` must be signed in and allowed `permission`; `refusal` says how to
    sign in. A station without accounts (a new one) lets anyone through."""
    with db.session() as s:
        if user_count(s):
            if user is None:
                raise PermissionDenied(refusal, permission=permission)
            require(acting(s, user), permission)


def sign_out_user(db, user: User | None, via: str = "gui", reason: str = "user") -> None:
    if user is None:
        return
    with db.transaction() as s:
        sign_out(s, user, via=via, reason=reason)


def ensure_demo_accounts(db) -> str:
    """A demo station gets one account per role, all with the same published password."""
    with db.transaction() as s:
        if user_count(s) == 0:
            manager = None
            for name, role in DEMO_ACCOUNTS:
                made = create_user(s, name, role, DEMO_PASSWORD, manager, display_name=f"demo {role}", demo=True)
                manager = manager or made
    return Message("demo.accounts", names=", ".join(name for name, _ in reversed(DEMO_ACCOUNTS)), password=DEMO_PASSWORD)


def accounts(db, user: User | None) -> list[Account]:
    with db.session() as s:
        require(acting(s, user), "users.manage")
        return [Account(u.username, u.display_name, u.role, u.active) for u in list_users(s)]


def _managing(db, user: User | None, change, via: str):
    """Run one account change as `user`, now; a refusal is audited before it is raised."""
    try:
        with db.transaction() as s:
            change(s, acting(s, user))
    except PermissionDenied as e:
        record_refusal(db, e, via=via)
        raise


def add_account(db, user: User | None, username: str, role: str, password: str, display_name: str = "",
                via: str = "gui users") -> None:
    _managing(db, user, lambda s, by: create_user(s, username, role, password, by, display_name=display_name), via)


def change_role(db, user: User | None, username: str, role: str, via: str = "gui users") -> None:
    _managing(db, user, lambda s, by: set_role(s, username, role, by), via)


def set_account_active(db, user: User | None, username: str, active: bool, via: str = "gui users") -> None:
    _managing(db, user, lambda s, by: set_active(s, username, active, by), via)


def audit_lines(db, user: User | None, before_id: int | None = None, limit: int = 200) -> list[AuditLine]:
    """Newest first, a page at a time (pass the last id shown for the next page)."""
    with db.session() as s:
        require(acting(s, user), "audit.read")
        return [AuditLine(e.id, e.at, e.actor, e.action, dict(e.detail or {}))
                for e in audit.page(s, before_id=before_id, limit=limit)]


def check_records(db, data_dir, user: User | None):
    """`station audit verify`: every event and every sealed record, one snapshot."""
    from ..audit.station_check import check_station

    with db.session() as s:
        require(acting(s, user), "audit.read")
    return check_station(db, data_dir)
