"""The sign-in throttle: after a few failures for one account name, or many from one client
address, each further attempt must wait twice as long as the one before (429 with Retry-After).

Counts live in the database (`sign_in_throttles`), so every worker process sees the same ones,
and are written by short transactions of their own: a failed attempt is counted although its
request fails. Keys are hashes, so the table holds neither names nor addresses.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.auth import repository
from app.auth.errors import SignInThrottled
from app.config import settings
from app.db import write_transaction


def _key(kind: str, value: str) -> str:
    return f"{kind}:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def keys_for(username: str, client_address: str | None) -> dict[str, int]:
    """The throttle keys of an attempt and how many failures each may have before waiting."""
    keys = {_key("user", username.lower()): settings.sign_in_free_failures}
    if client_address:
        keys[_key("address", client_address)] = settings.sign_in_free_failures_per_address
    return keys


def check(session: Session, keys: dict[str, int], now: datetime) -> set[str]:
    """Raise SignInThrottled when any of the keys must still wait; else answer the keys that
    have failures on record."""
    rows = repository.throttles(session, list(keys))
    waits = [
        (row.blocked_until - now).total_seconds()
        for row in rows
        if row.blocked_until is not None and row.blocked_until > now
    ]
    if waits:
        raise SignInThrottled(max(1, math.ceil(max(waits))))
    return {row.key for row in rows}


def _wait_after(failures: int, free: int) -> timedelta | None:
    if failures < free:
        return None
    doublings = min(failures - free, 30)
    seconds = min(
        settings.sign_in_backoff_seconds * 2**doublings, settings.sign_in_backoff_max_seconds
    )
    return timedelta(seconds=seconds)


def note_failure(keys: dict[str, int], now: datetime) -> None:
    """Count a failed attempt against every key, in a transaction of its own."""
    forget_before = now - timedelta(hours=settings.sign_in_failure_memory_hours)
    with write_transaction() as session:
        # Sorted, so two workers counting at once lock rows in the same order.
        for key, free in sorted(keys.items()):
            failures = repository.count_failure(session, key, now=now, forget_before=forget_before)
            wait = _wait_after(failures, free)
            if wait is not None:
                repository.block(session, key, now + wait)


def note_success(on_record: set[str]) -> None:
    """A good password clears the account name's failures (not the address's: an attacker may
    hold one account of their own)."""
    user_keys = sorted(key for key in on_record if key.startswith("user:"))
    if not user_keys:
        return
    with write_transaction() as session:
        for key in user_keys:
            repository.forget_failures(session, key)
