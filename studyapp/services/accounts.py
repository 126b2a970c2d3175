"""Accounts: authentication, passwords, activation, roles."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, select
from sqlalchemy.orm import Session

from ..domain import passwords
from ..models import OrganizerScope, User
from .errors import Invalid, PasswordChangeRequired, Unauthorized


@dataclass(frozen=True)
class SessionClaim:
    """Who a signed session says is logged in ("<id>:<version>"), before the users table has confirmed it.

    The signature proves the server issued it, not that it still holds: logging out everywhere, a new
    password, deactivation and a role change bump users.session_version and so end every older session.
    """

    user_id: int
    version: int

    @classmethod
    def parse(cls, value) -> SessionClaim | None:
        user_id, _, version = str(value or "").partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        return cls(int(user_id), int(version))


def claim_holds(user_id, version) -> ColumnElement[bool]:
    """The one rule of a live session, for every statement that confirms a claim (bound values or
    bindparams): the user exists, is active and still at the claimed session version."""
    return and_(User.id == user_id, User.session_version == version, User.active.is_(True))


def claim_state(user_id, version):
    """A scalar subquery for a statement that confirms the claim alongside its own work: the user's
    must_change_password when the claim holds, NULL when it does not."""
    return select(User.must_change_password).where(claim_holds(user_id, version)).scalar_subquery()


def with_claim_state(stmt):
    """The statement plus a claim_state column, for the parameters claim_parameters() gives."""
    return stmt.add_columns(claim_state(bindparam("claim_user"), bindparam("claim_version")).label("claim_state"))


def claim_parameters(member: User | SessionClaim) -> dict:
    """Bound values for with_claim_state() when member is a claim (none for an authenticated user)."""
    if isinstance(member, SessionClaim):
        return {"claim_user": member.user_id, "claim_version": member.version}
    return {}


def confirmed_user_id(session: Session, member: User | SessionClaim, row) -> int:
    """The id of the member a request acts for. A User was authenticated already (an API token's); a claim
    is confirmed by the claim_state of the row its statement read (asked on its own when that found no
    row), refused as every page refuses it: Unauthorized when the session no longer holds,
    PasswordChangeRequired when the account must choose its password first."""
    if not isinstance(member, SessionClaim):
        return member.id
    if row is not None:
        state = row.claim_state
    else:  # nothing to read it with (a rare 404): asked separately, so a stale session is still a 401
        state = session.scalar(select(claim_state(member.user_id, member.version)))
    _refuse_unless_held(state)
    return member.user_id


def confirmed_user(session: Session, member: User | SessionClaim) -> User:
    """The member as a User: an authenticated user as is, a claim's user once it holds (refused as
    confirmed_user_id refuses), for the work beyond a statement that confirmed the claim by itself."""
    if not isinstance(member, SessionClaim):
        return member
    user = session.scalar(select(User).where(claim_holds(member.user_id, member.version)))
    _refuse_unless_held(None if user is None else user.must_change_password)
    return user


def _refuse_unless_held(state) -> None:
    """state: claim_state's value (None: the claim does not hold; True: a password must be chosen first)."""
    if state is None:
        raise Unauthorized("登录已过期，请重新登录")
    if state:
        raise PasswordChangeRequired("首次登录，请先设置您自己的密码")


def verify_credentials(session: Session, username: str, password: str) -> int | None:
    """The id of the active user with these credentials, or None. Reads only.

    Login ids are compared regardless of case. Verifying costs one deliberately slow password hash;
    callers run this before they open a writing transaction, so on SQLite a login storm does not hold
    the database's one write lock while hashing. A failure costs one argon2 verification whatever the
    login id names (nobody, a deactivated account, one still on its quick-to-check one-time code), so
    its timing does not tell which accounts exist or have not chosen a password yet.
    """
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.active:
        passwords.verify(_DUMMY_HASH, password)
        return None
    if not passwords.verify(user.password_hash, password):
        if passwords.is_one_time_code(user.password_hash):
            passwords.verify(_DUMMY_HASH, password)
        return None
    return user.id


def record_login(session: Session, user_id: int, password: str, now: datetime) -> User | None:
    """Record a verified login: the login time, and a re-hash when the stored hash is outdated.

    None if the account was deactivated since the credentials were verified.
    """
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


_DUMMY_HASH = passwords.hash_password("not-a-real-password")


def change_password(session: Session, user: User, current: str | None, new: str, confirm: str) -> None:
    """Replace the password after checking the current one; ends every other session.

    `current` may be None only for the forced change after logging in with a one-time code: the
    session was opened with that very code moments ago (a reset ends every older session), so asking
    the member to type it again proves nothing.
    """
    if current is None:
        if not user.must_change_password:
            raise Invalid("请输入当前密码")
    elif not passwords.verify(user.password_hash, current):
        raise Invalid("当前密码不正确")
    if new != confirm:
        raise Invalid("两次输入的新密码不一致")
    if new == current or (current is None and passwords.verify(user.password_hash, new)):
        raise Invalid("新密码不能与当前密码相同")
    problem = passwords.password_problem(new, user.username, user.phone, user.name)
    if problem:
        raise Invalid(problem)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    user.session_version += 1
    session.flush()


def reset_password(session: Session, user: User) -> str:
    """Give the user a new one-time code (returned once, never stored in clear) and log them out."""
    code = passwords.new_one_time_code()
    user.password_hash = passwords.hash_one_time_code(code)
    user.must_change_password = True
    user.session_version += 1
    session.flush()
    return code


def log_out_everywhere(session: Session, user: User) -> None:
    """End every session and API token of the user. Sessions live in signed cookies, so a copied
    cookie would outlive a plain logout; bumping the version makes all of them stale at once."""
    user.session_version += 1
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    if user.active != active:
        user.active = active
        user.session_version += 1
    session.flush()


def set_role(session: Session, user: User, role: str, unit_ids: list[int] | None = None) -> None:
    """Change a user's role; organizers manage the given units (default: their own branch)."""
    if role not in ("member", "organizer", "admin"):
        raise Invalid(f"未知角色：{role}")
    changed = user.role != role
    user.role = role
    if role == "organizer":
        wanted = set(unit_ids or [user.unit_id])
        current = {scope.unit_id for scope in user.scopes}
        if wanted != current:
            changed = True
            user.scopes = [OrganizerScope(user_id=user.id, unit_id=uid) for uid in sorted(wanted)]
    elif user.scopes:
        user.scopes = []
    if changed:
        user.session_version += 1  # a removed role must not linger in an open session
    session.flush()
