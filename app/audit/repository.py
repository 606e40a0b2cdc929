from __future__ import annotations

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
) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.seq > after)
    if subject:
        query = query.where(AuditEvent.subject == subject)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.order_by(AuditEvent.seq).limit(limit)))


def iter_chain(session: Session, batch: int = 2000) -> sa.ScalarResult[AuditEvent]:
    return session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )


def head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, 1)
