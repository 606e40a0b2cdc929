"""Merchant accounts and API-key authentication."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.deps import Principal
from app.auth.roles import Role
from app.merchants.models import Merchant


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def principal_for_api_key(session: Session, api_key: str) -> Principal | None:
    """The merchant holding this key, if the key is known and the merchant active."""
    merchant = session.scalars(
        sa.select(Merchant).where(Merchant.api_key_hash == hash_api_key(api_key))
    ).one_or_none()
    if merchant is None or not merchant.active:
        return None
    return Principal(id=merchant.id, role=Role.MERCHANT, name=merchant.name)
