from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def lock_head(session: Session) -> AuditHead:
    """The chain head (made by the first migration), locked until the transaction ends."""
    return session.scalars(sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)


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
