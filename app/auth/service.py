"""Sign-in, passwords and staff accounts. The web console's sign-in calls the same functions.

Sign-in and password changes check the password (argon2, slow on purpose) while holding no write
transaction: the lookups run read-only and what they write goes through short transactions of
their own. Call `authenticate` and `change_password` before your request's session has written
anything (on SQLite a session that holds the write lock would wait for itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository, throttle
from app.auth.errors import LastAdmin, UsernameTaken, UserNotFound, WrongPassword
from app.auth.models import User
from app.auth.passwords import check_policy, hash_password, verify_password
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.schemas import UserCreate, UserUpdate
from app.auth.tokens import ALGORITHM, issue_token, read_token, token_secret
from app.branches import service as branches
from app.changes.caches import Cache, announce
from app.db import READ_ONLY, reading_session_factory, write_transaction
from app.kit.errors import NotAuthenticated
from app.kit.metrics import failed_sign_in
from app.kit.types import utcnow

__all__ = [
    "ALGORITHM",
    "authenticate",
    "change_password",
    "create_user",
    "hash_password",
    "issue_token",
    "read_token",
    "reset_password",
    "token_secret",
    "principal_for_token",
    "update_user",
]


def _check_password(username: str, password: str, client_address: str | None) -> str | None:
    """The id of the active account whose password this is, or None (the failure counted).
    Raises SignInThrottled while the name or the address must wait."""
    keys = throttle.keys_for(username, client_address)
    now = utcnow()
    with reading_session_factory()() as reader, reader.begin():
        on_record = throttle.check(reader, keys, now)
        user = repository.get_by_username(reader, username)
        user_id, password_hash = (user.id, user.password_hash) if user else (None, None)
        active = bool(user and user.active)
    # Outside any transaction: argon2 takes tens of milliseconds and holds no lock meanwhile.
    if not verify_password(password_hash, password) or not active:
        throttle.note_failure(keys, now)
        return None
    throttle.note_success(on_record)
    return user_id


def _holds_sqlite_write_lock(session: Session) -> bool:
    bind = session.get_bind()
    return (
        session.in_transaction()
        and bind.dialect.name == "sqlite"
        and not bind.get_execution_options().get(READ_ONLY)
    )


def authenticate(
    session: Session, username: str, password: str, client_address: str | None
) -> User:
    """The account, when the username (any case) and password are right and it is active.
    401 otherwise (one answer for every reason); 429 with Retry-After after repeated failures."""
    if _holds_sqlite_write_lock(session):
        # Counting a failure needs the write lock this session holds: it would wait for itself.
        raise RuntimeError(
            "authenticate() was called after the session began writing: call it first, or mark "
            "the route @reads (app.db)"
        )
    user_id = _check_password(username, password, client_address)
    user = repository.get(session, user_id) if user_id else None
    if user is None or not user.active:
        failed_sign_in()
        raise NotAuthenticated("wrong username or password")
    return user


# Announced whenever an account's role, branch, activity, password or tokens change: every
# worker drops its copies of the accounts (app.changes), so a disabled account, a reset password
# or a new role reaches every worker within a second.
ACCOUNTS_CHANGED = "staff_accounts"


@dataclass(frozen=True)
class _Signed:
    """What checking a staff token needs of the account, as this worker keeps it."""

    principal: Principal
    token_version: int


# User id -> the active account. Disabled and unknown accounts are not kept.
_accounts: Cache[str, _Signed] = Cache(ACCOUNTS_CHANGED)


def _read_account(session: Session, user_id: str) -> _Signed | None:
    user = repository.get(session, user_id)
    if user is None or not user.active:
        return None
    principal = Principal(
        id=user.id,
        role=Role(user.role),
        name=user.username,
        branch=user.branch,
        must_change_password=user.must_change_password,
    )
    return _Signed(principal, user.token_version)


def principal_for_token(session: Session, token: str) -> Principal:
    """The active staff account a token speaks for (401 once a password change, a reset or a
    deactivation has ended the token): from
    this worker's cache, else read in the session. A token newer than the copy (a password just
    changed, its fresh token sent to this worker before the change's notice) reads the account
    again rather than refusing it."""
    claims = read_token(token)
    signed = _accounts.through(claims.user_id, lambda: _read_account(session, claims.user_id))
    if signed is not None and signed.token_version < claims.version:
        generation = _accounts.generation
        signed = _read_account(session, claims.user_id)
        if signed is not None:
            _accounts.put(claims.user_id, signed, generation)
    if signed is None:
        raise NotAuthenticated("the account is disabled or gone")
    if signed.token_version != claims.version:
        raise NotAuthenticated("the sign-in was ended by a password change; sign in again")
    return signed.principal


def _end_tokens(user: User) -> None:
    user.token_version += 1


def change_password(user_id: str, current: str, new: str, client_address: str | None) -> User:
    """A staff member changes their own password (the current one is required): every token and
    session they had ends, and the answer is the account (as committed) to issue a fresh token
    for. It runs in transactions of its own, so call it from a read-only request (@reads)."""
    with reading_session_factory()() as reader, reader.begin():
        user = repository.get(reader, user_id)
        if user is None:
            raise UserNotFound("no such user")
        username = user.username
    check_policy(new, username=username)
    if _check_password(username, current, client_address) != user_id:
        raise WrongPassword("the current password is wrong")
    new_hash = hash_password(new)
    with write_transaction() as writer:
        account = repository.get(writer, user_id)
        if account is None or not account.active:
            raise NotAuthenticated("the account is disabled or gone")
        account.password_hash = new_hash
        account.must_change_password = False
        _end_tokens(account)
        announce(writer, ACCOUNTS_CHANGED)
        audit.record(
            writer, actor=f"user:{user_id}", action="user.password", subject=f"user:{user_id}"
        )
    return account


def reset_password(session: Session, user_id: str, new: str, *, actor: str) -> User:
    """An administrator sets a new password: the account's tokens end, and its holder must choose
    their own password at the next sign-in."""
    user = repository.get(session, user_id)
    if user is None:
        raise UserNotFound("no such user")
    check_policy(new, username=user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = True
    _end_tokens(user)
    session.flush()
    announce(session, ACCOUNTS_CHANGED)
    audit.record(session, actor=actor, action="user.password_reset", subject=f"user:{user.id}")
    return user


def create_user(session: Session, data: UserCreate, *, actor: str) -> User:
    check_policy(data.password, username=data.username)
    if repository.get_by_username(session, data.username) is not None:
        raise UsernameTaken("the username is taken")
    branches.require(session, data.branch)
    user = User(
        username=data.username.lower(),
        password_hash=hash_password(data.password),
        role=data.role,
        branch=data.branch,
    )
    repository.add(session, user)
    audit.record(
        session,
        actor=actor,
        action="user.create",
        subject=f"user:{user.id}",
        detail={"role": user.role},
    )
    return user


def update_user(session: Session, user_id: str, data: UserUpdate, *, actor: str) -> User:
    user = repository.get(session, user_id)
    if user is None:
        raise UserNotFound("no such user")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "branch" in changes:
        branches.require(session, changes["branch"])
    stops_being_admin = (
        changes.get("active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
    )
    if user.role == Role.ADMIN and user.active and stops_being_admin:
        if repository.active_admin_ids(session) == [user.id]:
            raise LastAdmin("this is the last active administrator; make another one first")
    for field, value in changes.items():
        setattr(user, field, value)
    if changes.get("active") is False:
        user.disabled_at = utcnow()
        _end_tokens(user)
    session.flush()
    announce(session, ACCOUNTS_CHANGED)
    audit.record(
        session,
        actor=actor,
        action="user.update",
        subject=f"user:{user.id}",
        detail={"fields": sorted(changes)},
    )
    return user
