"""Staff tokens: short-lived HS256 JWTs carrying the account's token version (claim `ver`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import jwt

from app.auth.models import User
from app.config import settings
from app.kit.errors import NotAuthenticated
from app.kit.types import utcnow

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
# Values people copy from examples and READMEs. A token secret that contains one is refused.
PLACEHOLDERS = (
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "replaceme",
    "placeholder",
    "example",
    "your-secret",
    "yoursecret",
    "secret-key",
    "secretkey",
    "not-a-secret",
    "insecure",
    "password",
    "xxxxxxxx",
)


class InsecureSecret(RuntimeError):
    """A configured or stored secret is empty, short or a placeholder: the server will not start."""


def check_secret_text(value: str, *, where: str) -> None:
    """Refuse a token secret under 32 bytes, a known placeholder, or one of few distinct characters."""
    if not value:
        raise InsecureSecret(f"{where} is empty")
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDERS) or len(set(value)) < 10:
        raise InsecureSecret(
            f"{where} is a placeholder, not a secret: anyone who knows it can forge staff tokens. "
            "Set a random value of at least 32 bytes, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`, '
            "or leave it unset to have one generated into the data directory"
        )
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise InsecureSecret(
            f"{where} is {len(value.encode())} bytes; a token secret has at least "
            f'{MIN_SECRET_BYTES} (e.g. `python -c "import secrets; print(secrets.token_urlsafe(48))"`)'
        )


def _secret_file() -> Path:
    return settings.data_dir / "token-secret"


def _write_new_secret(path: Path) -> None:
    """Write a fresh secret atomically and owner-only; when another process got there first,
    keep its secret (a hard link never replaces an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def token_secret() -> str:
    """The configured secret, or one generated once into the data directory (owner-only)."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        check_secret_text(configured, where="RESIDENT_ID_SECRET_KEY")
        return configured
    path = _secret_file()
    if not path.exists():
        _write_new_secret(path)
    stored = path.read_text().strip()
    if not stored:
        raise InsecureSecret(
            f"the token secret file {path} is empty; delete it to have a new one generated "
            "(every staff member signs in again) or set RESIDENT_ID_SECRET_KEY"
        )
    check_secret_text(stored, where=f"the token secret file {path}")
    return stored


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    version: int


def issue_token(user: User) -> tuple[str, int]:
    lifetime = timedelta(minutes=settings.access_token_minutes)
    now = utcnow()
    claims = {
        "sub": user.id,
        "role": user.role,
        "ver": user.token_version,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, token_secret(), algorithm=ALGORITHM), int(lifetime.total_seconds())


def read_token(token: str) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            token_secret(),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("the token has expired; sign in again") from exc
    except jwt.InvalidTokenError as exc:
        raise NotAuthenticated("the token is not valid") from exc
    # Checked here rather than by `require`, so an expired token says so whatever it lacks.
    version = claims.get("ver")
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotAuthenticated("the token is not valid")
    return TokenClaims(user_id=str(claims["sub"]), version=version)
