"""Passwords (argon2), staff tokens (short-lived HS256 JWTs) and account management."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository
from app.auth.models import User
from app.auth.schemas import UserCreate, UserUpdate
from app.config import settings
from app.kit.errors import Conflict, NotAuthenticated, NotFound
from app.kit.types import utcnow
from app.ops.metrics import failed_sign_in

_hasher = PasswordHasher()
# Verifying against a dummy hash when the username is unknown keeps timing alike for both cases.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def token_secret() -> str:
    """The configured secret, or one generated once into the data directory (owner-only)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "token-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def issue_token(user: User) -> tuple[str, int]:
    lifetime = timedelta(minutes=settings.access_token_minutes)
    now = utcnow()
    claims = {"sub": user.id, "role": user.role, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, token_secret(), algorithm=ALGORITHM), int(lifetime.total_seconds())


def user_id_from_token(token: str) -> str:
    try:
        claims = jwt.decode(
            token, token_secret(), algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("the token has expired; sign in again") from exc
    except jwt.InvalidTokenError as exc:
        raise NotAuthenticated("the token is not valid") from exc
    return str(claims["sub"])


def authenticate(session: Session, username: str, password: str) -> User:
    user = repository.get_by_username(session, username)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.active:
        failed_sign_in()
        raise NotAuthenticated("wrong username or password")
    return user


def create_user(session: Session, data: UserCreate, *, actor: str) -> User:
    if repository.get_by_username(session, data.username) is not None:
        raise Conflict(f"the username {data.username!r} is taken")
    user = User(
        username=data.username,
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
        raise NotFound("no such user")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for field, value in changes.items():
        setattr(user, field, value)
    if changes.get("active") is False:
        user.disabled_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.update",
        subject=f"user:{user.id}",
        detail={"fields": sorted(changes)},
    )
    return user
