"""Password hashing (argon2) and the password policy of NIST SP 800-63B §3.1.1.2: a length floor,
a check against common passwords, and no composition rules (no "one digit, one symbol")."""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.auth.errors import WeakPassword

MIN_LENGTH = 12
PASSWORD_CHECKS_AT_ONCE = 4
# NIST asks that at least 64 characters be allowed; more only makes hashing a flood vector.
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Each argon2 check takes 64 MiB and a core for tens of milliseconds: a flood of sign-ins must
# queue here rather than run all at once (64 at a time took gigabytes and lost worker processes).
_checks_at_once = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)
# Verifying against a dummy hash when the username is unknown keeps timing alike for both cases.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Characters stripped from both ends before the common-list check, so "Password2024!" is caught
# as "password".
_PADDING = "0123456789!@#$%^&*()-_=+.,;:?~ "


def hash_password(password: str) -> str:
    with _checks_at_once:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash (unknown user) it still costs one check."""
    try:
        with _checks_at_once:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (common_passwords.txt says where from)."""
    text = resources.files("app.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_run(password: str) -> bool:
    """One character repeated, or a straight run such as 123456789012 or abcdefghijkl."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def check_policy(password: str, *, username: str | None = None) -> None:
    """Raise WeakPassword (422) with the reason when the password may not be used."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or lowered.strip(_PADDING) in common or _is_run(lowered):
        raise WeakPassword("this password is too common or too easy to guess; choose another")
    if username and username.lower() in lowered:
        raise WeakPassword("a password may not contain the username")
