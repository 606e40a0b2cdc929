"""The public revocation lists: IETF Token Status Lists (CWT form) built from the cards table.

One list serves every verifier and every card, so fetching it says nothing about which card is
being checked. The signed token is cached per process and re-signed when a card on the list is
revoked (the list's fingerprint changes), when the signing key changes, or at half its lifetime,
so a verifier always receives a list valid for at least half a day.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.cards import repository as cards
from app.cards.credentials import status_list_uri
from app.config import settings
from app.keys import service as keys
from app.kit.types import utcnow
from app.verification.errors import StatusListNotFound
from cards.status_list import StatusList, issue_status_list_token

MEDIA_TYPE = "application/statuslist+cwt"
# W3C Bitstring Status List's minimum: enough entries that one card's index reveals nothing.
MIN_SIZE = 131_072


@dataclass(frozen=True)
class SignedList:
    token: bytes
    issued_at: datetime
    expires_at: datetime
    fingerprint: tuple[object, ...]


_lock = threading.Lock()
_cache: dict[str, SignedList] = {}


def held_lists() -> dict[str, SignedList]:
    """The lists this process has signed and serves (for the status list age metric)."""
    with _lock:
        return dict(_cache)


def _lifetime() -> timedelta:
    return timedelta(hours=settings.status_list_lifetime_hours)


def _size(top_index: int | None) -> int:
    # Never below the floor that hides a card in the crowd, nor smaller than any index handed
    # out (even if the setting was lowered later).
    size = max(MIN_SIZE, settings.status_list_size, (top_index or 0) + 1)
    return -(-size // 8) * 8


def _build(session: Session, list_id: str, top_index: int | None) -> StatusList:
    status_list = StatusList(_size(top_index))
    for index in cards.revoked_indexes(session, list_id):
        status_list.set(index, 1)
    return status_list


def signed_list(session: Session, list_id: str, *, now: datetime | None = None) -> SignedList:
    """The current signed list, re-signed only when its content, key or age call for it."""
    if list_id != settings.status_list_id and not cards.list_exists(session, list_id):
        raise StatusListNotFound("no status list has this id")
    now = (now or utcnow()).replace(microsecond=0)
    key = keys.current_signing_key(session)
    revoked, last_revoked, top_index = cards.list_fingerprint(session, list_id)
    fingerprint = (revoked, last_revoked, top_index, key.kid)
    with _lock:
        cached = _cache.get(list_id)
        if (
            cached is not None
            and cached.fingerprint == fingerprint
            and now < cached.issued_at + _lifetime() / 2
        ):
            return cached
        issued_at = now
        if cached is not None and issued_at <= cached.issued_at:
            # A verifier keeps the newest list it has seen: a changed list must look newer.
            issued_at = cached.issued_at + timedelta(seconds=1)
        expires_at = issued_at + _lifetime()
        token = issue_status_list_token(
            _build(session, list_id, top_index),
            uri=status_list_uri(list_id),
            key=key,
            issued_at=issued_at,
            expires_at=expires_at,
            ttl_seconds=settings.status_list_ttl_seconds,
        )
        signed = SignedList(token, issued_at, expires_at, fingerprint)
        _cache[list_id] = signed
        return signed
