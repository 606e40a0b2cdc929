"""The city's credential signing keys.

Private seeds live on disk under data_dir/keys (owner-only files) or in RESIDENT_ID_SIGNING_KEY;
the database holds only public keys and each key's life: it signs until a newer key takes over,
and stays published until the last card it signed expires (or it is withdrawn).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.config import settings
from app.keys import repository
from app.keys.models import SigningKeyRecord
from app.kit.errors import Conflict, NotFound
from app.kit.types import utcnow
from cards.keys import KeySet, SigningKey, b64url, to_jwk, unb64url

# A retired key stays published this long even with no valid card: the status lists it signed
# (valid 24 h) must still verify.
_RETIRED_GRACE = timedelta(days=2)


class NoSigningKey(Conflict):
    """No key may sign now: run `resident-id keys create` (or `keys rotate` after a window ends)."""


class SigningKeyUnavailable(Conflict):
    """The key's private seed is not on this machine."""


def _keys_dir() -> Path:
    return settings.data_dir / "keys"


def _seed_path(kid: str) -> Path:
    return _keys_dir() / f"{kid}.seed"


def _write_seed(kid: str, seed: bytes) -> None:
    directory = _keys_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    # Created owner-only before the secret is written, so it is never readable by others.
    fd = os.open(_seed_path(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(b64url(seed))


def _env_key() -> SigningKey | None:
    return SigningKey.from_seed(unb64url(settings.signing_key)) if settings.signing_key else None


@lru_cache(maxsize=16)
def _load_private(kid: str) -> SigningKey:
    env = _env_key()
    if env is not None and b64url(env.kid) == kid:
        return env
    path = _seed_path(kid)
    if not path.exists():
        raise SigningKeyUnavailable(f"the private key {kid} is not on this machine ({path})")
    return SigningKey.from_seed(unb64url(path.read_text().strip()))


def _register(session: Session, key: SigningKey, *, actor: str) -> SigningKeyRecord:
    now = utcnow()
    for current in repository.all_keys(session):
        if current.signs_until is None or current.signs_until > now:
            current.signs_until = now
    record = SigningKeyRecord(
        kid=b64url(key.kid), public_key=b64url(key.public_key), created_at=now
    )
    repository.add(session, record)
    audit.record(session, actor=actor, action="key.create", subject=f"key:{record.kid}")
    return record


def create_key(session: Session, *, actor: str) -> SigningKeyRecord:
    """A new key that signs from now on; the previous one stops signing but stays published."""
    env = _env_key()
    if env is not None and repository.get(session, b64url(env.kid)) is None:
        return _register(session, env, actor=actor)
    key = SigningKey.generate()
    _write_seed(b64url(key.kid), key.seed)
    return _register(session, key, actor=actor)


rotate = create_key


def ensure_signing_key(session: Session, *, actor: str = "system") -> SigningKeyRecord | None:
    """Create a first key when none may sign (the embedded default does this at start).
    Answers the new key, or None when one was already there."""
    if repository.signing(session, utcnow()) is not None:
        return None
    return create_key(session, actor=actor)


def current_signing_key(session: Session) -> SigningKey:
    """The key that signs credentials and status lists now."""
    record = repository.signing(session, utcnow())
    if record is None:
        raise NoSigningKey("no signing key: run `resident-id keys create`")
    if record.created_at + timedelta(days=settings.signing_key_window_days) <= utcnow():
        raise NoSigningKey(
            f"key {record.kid}'s signing window is over: run `resident-id keys rotate`"
        )
    return _load_private(record.kid)


def note_signed(session: Session, key: SigningKey, expires_on: date) -> None:
    """Keep the key published until the card it just signed expires."""
    repository.note_card_expiry(session, b64url(key.kid), expires_on)


def withdraw(session: Session, kid: str, *, actor: str) -> SigningKeyRecord:
    """Stop publishing a key (compromised or retired early): cards it signed no longer verify."""
    record = repository.get(session, kid)
    if record is None:
        raise NotFound(f"no key {kid}")
    if record.withdrawn_at is None:
        now = utcnow()
        record.withdrawn_at = now
        if record.signs_until is None or record.signs_until > now:
            record.signs_until = now
        audit.record(session, actor=actor, action="key.withdraw", subject=f"key:{kid}")
    return record


def _published(session: Session) -> tuple[tuple[str, str], ...]:
    now = utcnow()
    return tuple(repository.published(session, now.date(), now - _RETIRED_GRACE))


@lru_cache(maxsize=8)
def _keyset(published: tuple[tuple[str, str], ...]) -> KeySet:
    # Cached per published set, so verifiers reuse key objects until a key is added or withdrawn.
    return KeySet.from_jwks({"keys": [to_jwk(unb64url(pub)) for _kid, pub in published]})


def published_keyset(session: Session) -> KeySet:
    return _keyset(_published(session))


def jwks(session: Session) -> dict[str, Any]:
    """The published public keys as a JWK set."""
    return {"keys": [to_jwk(unb64url(pub)) for _kid, pub in _published(session)]}


def all_keys(session: Session) -> list[SigningKeyRecord]:
    return repository.all_keys(session)
