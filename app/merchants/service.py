"""Merchant accounts and API-key authentication.

A key is `rid_mk_` and 256 random bits; only its SHA-256 is stored (a fast hash is enough for a
random secret of that size, and lookups stay a single indexed read). The key is shown once, when
it is made; rotating replaces it at once, so a leaked key stops working the moment it is rotated.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import API_KEY_PREFIX, Principal
from app.auth.roles import Role
from app.changes.caches import Cache, announce
from app.db import reading_session_factory
from app.kit.paging import decode, page_of
from app.kit.types import utcnow
from app.merchants import repository
from app.merchants.errors import MerchantDisabled, MerchantNotFound
from app.merchants.models import Merchant
from app.merchants.schemas import MerchantCreate, MerchantKey

# Enough of the key to tell two devices' keys apart in a list, far too little to guess the rest.
_SHOWN_PREFIX = 12


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


# Announced when a key is made, rotated or a merchant disabled: every worker drops its copies.
KEYS_CHANGED = "merchant_keys"
# Key hash -> the active merchant holding it. Unknown keys are not kept: a stranger guessing
# keys must not fill the memory of every worker.
_principals: Cache[str, Principal] = Cache(KEYS_CHANGED)


def _principal(session: Session, key_hash: str) -> Principal | None:
    merchant = repository.by_key_hash(session, key_hash)
    if merchant is None or not merchant.active:
        return None
    return Principal(id=merchant.id, role=Role.MERCHANT, name=merchant.name)


def principal_for_api_key(session: Session, api_key: str) -> Principal | None:
    """The merchant holding this key, if the key is known and the merchant active: from this
    worker's cache, else read in the session."""
    key_hash = hash_api_key(api_key)
    return _principals.through(key_hash, lambda: _principal(session, key_hash))


def _read_principal(key_hash: str) -> Principal | None:
    with reading_session_factory()() as session:
        return _principal(session, key_hash)


async def principal_for_api_key_cached(api_key: str) -> Principal | None:
    """principal_for_api_key for the hot paths: from this worker's cache, and on a miss from a
    read-only session of its own in the thread pool."""
    key_hash = hash_api_key(api_key)
    return await _principals.through_thread(key_hash, lambda: _read_principal(key_hash))


def _set_key(merchant: Merchant) -> str:
    api_key = new_api_key()
    merchant.api_key_hash = hash_api_key(api_key)
    merchant.api_key_prefix = api_key[:_SHOWN_PREFIX]
    return api_key


def create(session: Session, body: MerchantCreate, *, actor: str) -> MerchantKey:
    merchant = Merchant(name=body.name, category=body.category, active=True)
    api_key = _set_key(merchant)
    repository.add(session, merchant)
    audit.record(
        session,
        actor=actor,
        action="merchant.create",
        subject=f"merchant:{merchant.id}",
        detail={"fields": ["name", "category", "api_key_hash"]},
    )
    return MerchantKey(id=merchant.id, api_key=api_key)


def _find(session: Session, merchant_id: str) -> Merchant:
    merchant = repository.get(session, merchant_id, for_update=True)
    if merchant is None:
        raise MerchantNotFound("no merchant has this id")
    return merchant


def rotate_key(session: Session, merchant_id: str, *, actor: str) -> MerchantKey:
    """A new key for the merchant; the old one stops working when this commits."""
    merchant = _find(session, merchant_id)
    if not merchant.active:
        raise MerchantDisabled(f"merchant {merchant.name!r} is disabled: enable it first")
    api_key = _set_key(merchant)
    session.flush()
    announce(session, KEYS_CHANGED)
    audit.record(
        session,
        actor=actor,
        action="merchant.rotate_key",
        subject=f"merchant:{merchant.id}",
        detail={"fields": ["api_key_hash", "api_key_prefix"]},
    )
    return MerchantKey(id=merchant.id, api_key=api_key)


def set_active(session: Session, merchant_id: str, active: bool, *, actor: str) -> Merchant:
    """Disable a merchant (its key is refused from then on) or enable it again."""
    merchant = _find(session, merchant_id)
    if merchant.active != active:
        merchant.active = active
        merchant.disabled_at = None if active else utcnow()
        session.flush()
        announce(session, KEYS_CHANGED)
        audit.record(
            session,
            actor=actor,
            action="merchant.enable" if active else "merchant.disable",
            subject=f"merchant:{merchant.id}",
            detail={"fields": ["active", "disabled_at"]},
        )
    return merchant


def page(session: Session, cursor: str | None, limit: int) -> tuple[list[Merchant], str | None]:
    """Merchants by name, a page at a time, and the cursor of the next page."""
    rows = repository.page(session, decode(cursor, 2), limit)
    return page_of(rows, limit, lambda m: [m.name, m.id])


def list_merchants(session: Session) -> list[Merchant]:
    return repository.list_all(session)


def get(session: Session, merchant_id: str) -> Merchant:
    merchant = repository.get(session, merchant_id)
    if merchant is None:
        raise MerchantNotFound("no merchant has this id")
    return merchant
