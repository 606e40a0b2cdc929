"""Per-merchant-key rate limit for online verification: a token bucket kept in the database.

A bucket holds up to a minute's allowance and refills continuously, so a merchant may burst (a
queue at the library desk) but not exceed `verify_rate_per_minute` on average. The bucket is one
row (`verify_rate_buckets`) that every worker of every server takes from with one statement, so
a key gets its limit however many processes serve it. A scan's take (take_now, the hot path)
is a statement committed by itself, so the row is locked for that statement only; a typed
number's or a refused charge's take runs in its request's transaction (take), which holds the
row until it commits. Times are the database's clock, read as each take runs, so they follow
the order of the takes (a time read before waiting for the lock could be older than the last
take's, and refuse a request the bucket holds).
"""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from app.statements import Statements
from app.verification import repository

WINDOW_SECONDS = 60.0


def _interval(per_minute: int) -> float:
    """Seconds for one request to come back into the bucket."""
    return WINDOW_SECONDS / max(per_minute, 1)


def _wait(full_at: float, interval: float, now: float) -> int:
    """Whole seconds until a bucket full again at `full_at` holds a request (0: it does now)."""
    short = full_at - (now + WINDOW_SECONDS - interval)
    if short <= 0:
        return 0
    return max(1, math.ceil(short))


def take(session: Session, key: str, per_minute: int) -> int:
    """Take one request from the key's bucket: 0 when admitted, else whole seconds to wait."""
    interval = _interval(per_minute)
    admitted, full_at, now = repository.take_from_bucket(session, key, interval, WINDOW_SECONDS)
    return 0 if admitted else _wait(full_at, interval, now)


def wait(session: Session, key: str, per_minute: int) -> int:
    """Whole seconds until the key's bucket holds a request again (0: it holds one now),
    taking nothing from it."""
    full_at, now = repository.bucket_full_at(session, key)
    return 0 if full_at is None else _wait(full_at, _interval(per_minute), now)


async def take_now(run: Statements, key: str, per_minute: int) -> int:
    """take, as a statement committed by itself (the hot path holds no transaction)."""
    interval = _interval(per_minute)
    admitted, full_at, now = await repository.take_from_bucket_now(
        run, key, interval, WINDOW_SECONDS
    )
    return 0 if admitted else _wait(full_at, interval, now)
