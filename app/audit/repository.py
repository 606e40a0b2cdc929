from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import direct
from app.audit.models import AuditEvent, AuditHead
from app.kit.types import UTCDateTime

GENESIS = "0" * 64


def lock_head(session: Session) -> AuditHead:
    """The chain head (made by the first migration), locked until the transaction ends."""
    return session.scalars(sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)


# PostgreSQL appends an event in one statement: it locks the head, computes the link with its own
# sha256 over the same JSON text `service._digest` hashes, moves the head and inserts the row.
# The head stays locked from here to COMMIT, and every audited transaction queues on it, so it
# is held for one statement and the commit rather than for three round trips to a worker thread.
# `tail` is the JSON array of the event's own fields without its "[": the hash and the seq, which
# only the locked head knows, are put in front of it here.
_APPEND = sa.text(
    """
    WITH prev AS (
        SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE
    ), moved AS (
        UPDATE audit_head
        SET seq = prev.seq + 1,
            hash = encode(sha256(convert_to(
                '["' || prev.hash || '",' || (prev.seq + 1)::text || ',' || :tail, 'UTF8'
            )), 'hex')
        FROM prev
        WHERE audit_head.id = 1
        RETURNING audit_head.seq AS seq, audit_head.hash AS hash, prev.hash AS prev_hash
    )
    INSERT INTO audit_events (seq, at, actor, action, subject, detail, prev_hash, hash)
    SELECT seq, :at, :actor, :action, :subject, :detail, prev_hash, hash FROM moved
    """
).bindparams(sa.bindparam("at", type_=UTCDateTime()))


def append_in_database(
    session: Session,
    *,
    tail: str,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    detail: str,
) -> None:
    """Chain one event on PostgreSQL, the link computed by the database (see `_APPEND`)."""
    direct.rows(
        session,
        _APPEND,
        {
            "tail": tail,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": detail,
        },
    )


def page(
    session: Session,
    *,
    after: int,
    limit: int,
    subject: str | None,
    actor: str | None,
    action: str | None,
    subjects: tuple[str, ...] = (),
    since: datetime | None = None,
    before: datetime | None = None,
    below: int | None = None,
) -> list[AuditEvent]:
    """Events after `after`, filtered; `subjects` (any of them) narrows `subject` further. With
    `below`, the newest events under that seq instead, newest first (a reader's latest page)."""
    query = sa.select(AuditEvent).where(AuditEvent.seq > after)
    if below is not None:
        query = query.where(AuditEvent.seq < below)
    if subject:
        query = query.where(AuditEvent.subject == subject)
    if subjects:
        query = query.where(AuditEvent.subject.in_(subjects))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if before is not None:
        query = query.where(AuditEvent.at < before)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    order = AuditEvent.seq.desc() if below is not None else AuditEvent.seq
    return list(session.scalars(query.order_by(order).limit(limit)))


def last_of(session: Session, action: str) -> AuditEvent | None:
    """The newest event of this action (the action column is indexed)."""
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    return session.scalars(query.order_by(AuditEvent.seq.desc()).limit(1)).one_or_none()


def iter_chain(session: Session, batch: int = 2000) -> sa.ScalarResult[AuditEvent]:
    return session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )


def head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, 1)
