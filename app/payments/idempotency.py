"""Idempotency keys (Stripe's rules): the first answer is stored in the transaction that moved the
money and replayed for a retry; the same key with another request is refused.

The key is claimed first, by an INSERT on its unique (principal, scope, key): a concurrent
duplicate waits on that row until the first request commits, then finds its answer and replays
it, so money moves once. A refused request (402, 403, ...) rolls back and leaves no record: its
retry is judged afresh, which is what a card topped up in between needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.kit.types import utcnow
from app.payments import repository
from app.payments.errors import IdempotencyKeyReused
from app.payments.models import IdempotencyRecord, KeyScope

# Answers that carry this header are replays of an earlier request's answer.
REPLAYED_HEADER = "Idempotent-Replayed"


def request_hash(route: str, params: dict[str, str], body: dict[str, Any]) -> str:
    """What makes two requests "the same": route, path parameters and body, canonically."""
    canonical = json.dumps([route, params, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(
    session: Session, principal: str, scope: KeyScope, key: str, digest: str
) -> IdempotencyRecord | None:
    """Take the key for this transaction (None), or answer the record an earlier request left.

    Raises IdempotencyKeyReused when the earlier request was a different one."""
    if repository.claim_key(session, principal, scope, key, digest, at=utcnow()):
        return None
    earlier = repository.key_record(session, principal, scope, key)
    assert earlier is not None, "the conflicting row is committed once the insert returns"
    if earlier.request_hash != digest:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used for a different request; use a new key for a new payment"
        )
    return earlier


def remember(
    session: Session,
    principal: str,
    scope: KeyScope,
    key: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Store the answer with the claimed key, in the transaction that produced it."""
    answer = json.dumps(body, separators=(",", ":"))
    repository.remember_answer(session, principal, scope, key, status_code, answer)


def release(session: Session, principal: str, scope: KeyScope, key: str) -> None:
    """Give back a key claimed in this transaction (a meter item that was refused)."""
    repository.release_key(session, principal, scope, key)


@dataclass(frozen=True)
class Answer:
    """A money-moving request's answer as stored with its key: the first time, or its replay."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def once(
    session: Session,
    principal: Principal,
    key: str,
    *,
    route: str,
    params: dict[str, str],
    body: BaseModel,
    work: Callable[[], BaseModel],
    status_code: int = 201,
) -> Answer:
    """Run a money-moving request once per key: the first time its answer, then its replay.

    The answer is plain JSON data already, not a model for FastAPI to validate: the router
    renders it in the endpoint's worker thread (app.payments.deps.answered), because the
    transaction holds the card's row lock until the request's session commits, and waiting for
    a free worker thread while holding it lets a crowd of requests queued on that lock starve
    the one that would release it."""
    digest = request_hash(route, params, body.model_dump(mode="json"))
    earlier = claim(session, principal.actor, KeyScope.HTTP, key, digest)
    if earlier is not None:
        return Answer(earlier.status_code, json.loads(earlier.response_body), replayed=True)
    answer = work().model_dump(mode="json")
    remember(session, principal.actor, KeyScope.HTTP, key, status_code, answer)
    return Answer(status_code, answer)
