"""The SQL of payments' shared tables: idempotency keys (payments/idempotency.py) and card fees
(payments/fees.py). The sub-packages keep their own in their repository.py."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import direct
from app.kit.types import UTCDateTime
from app.payments.models import Fee, IdempotencyRecord, KeyScope

# Run by every money-moving request: plain SQL compiled once (see
# ledger/accounts_repository.py). The claim waits, on PostgreSQL, for another transaction holding
# the same key to end, then finds its row.
_CLAIM = sa.text(
    'INSERT INTO idempotency_keys (principal, scope, "key", request_hash, status_code,'
    " response_body, created_at) VALUES (:principal, :scope, :key, :request_hash, 0, '',"
    ' :created_at) ON CONFLICT (principal, scope, "key") DO NOTHING RETURNING id'
).bindparams(sa.bindparam("created_at", type_=UTCDateTime()))
_REMEMBER = sa.text(
    "UPDATE idempotency_keys SET status_code = :status_code, response_body = :body"
    ' WHERE principal = :principal AND scope = :scope AND "key" = :key'
)


def claim_key(
    session: Session, principal: str, scope: KeyScope, key: str, digest: str, *, at: datetime
) -> bool:
    """Insert the key's row unless one exists; True when this call inserted it."""
    claimed = direct.first(
        session,
        _CLAIM,
        {
            "principal": principal,
            "scope": scope,
            "key": key,
            "request_hash": digest,
            "created_at": at,
        },
    )
    return claimed is not None


def key_record(
    session: Session, principal: str, scope: KeyScope, key: str
) -> IdempotencyRecord | None:
    query = sa.select(IdempotencyRecord).where(
        IdempotencyRecord.principal == principal,
        IdempotencyRecord.scope == scope,
        IdempotencyRecord.key == key,
    )
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def remember_answer(
    session: Session, principal: str, scope: KeyScope, key: str, status_code: int, body: str
) -> None:
    direct.rows(
        session,
        _REMEMBER,
        {
            "principal": principal,
            "scope": scope,
            "key": key,
            "status_code": status_code,
            "body": body,
        },
    )


def release_key(session: Session, principal: str, scope: KeyScope, key: str) -> None:
    session.execute(
        sa.delete(IdempotencyRecord)
        .where(
            IdempotencyRecord.principal == principal,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
        .execution_options(synchronize_session=False)
    )


def add_fee(session: Session, fee: Fee) -> None:
    session.add(fee)
    session.flush()
