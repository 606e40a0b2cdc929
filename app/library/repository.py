"""All SQL of the library domain: the outbox rows and what the reports read of them. Charges,
cards, applicants and staff are read through their own domains' repositories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.library.models import LibraryPayment, LibraryPaymentStatus


def add(session: Session, payment: LibraryPayment) -> None:
    session.add(payment)
    session.flush()


def get(session: Session, payment_id: str) -> LibraryPayment | None:
    query = sa.select(LibraryPayment).where(LibraryPayment.id == payment_id)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def due(session: Session, now: datetime, limit: int) -> list[str]:
    query = (
        sa.select(LibraryPayment.id)
        .where(
            LibraryPayment.status == LibraryPaymentStatus.PENDING,
            LibraryPayment.next_attempt_at <= now,
        )
        .order_by(LibraryPayment.next_attempt_at, LibraryPayment.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim(
    session: Session, payment_id: str, now: datetime, until: datetime
) -> LibraryPayment | None:
    """Take a due payment for one worker until `until` (compare-and-set: another worker that
    read it as due too finds it taken)."""
    taken = session.execute(
        sa.update(LibraryPayment)
        .where(
            LibraryPayment.id == payment_id,
            LibraryPayment.status == LibraryPaymentStatus.PENDING,
            LibraryPayment.next_attempt_at <= now,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult has rowcount
        return None
    return get(session, payment_id)


def in_period(session: Session, start: datetime, end: datetime) -> list[LibraryPayment]:
    query = (
        sa.select(LibraryPayment)
        .where(LibraryPayment.created_at >= start, LibraryPayment.created_at < end)
        .order_by(LibraryPayment.created_at, LibraryPayment.id)
    )
    return list(session.scalars(query))


def refused(session: Session) -> list[LibraryPayment]:
    query = (
        sa.select(LibraryPayment)
        .where(LibraryPayment.status == LibraryPaymentStatus.REFUSED)
        .order_by(LibraryPayment.created_at, LibraryPayment.id)
    )
    return list(session.scalars(query))


def sent_more_than_once(session: Session, start: datetime, end: datetime) -> list[LibraryPayment]:
    query = (
        sa.select(LibraryPayment)
        .where(
            LibraryPayment.sends > 1,
            LibraryPayment.created_at >= start,
            LibraryPayment.created_at < end,
        )
        .order_by(LibraryPayment.created_at, LibraryPayment.id)
    )
    return list(session.scalars(query))


def accepted_by_charge(session: Session, charge_ids: Sequence[str]) -> dict[str, LibraryPayment]:
    """The accepted payments of these charges, by charge id."""
    if not charge_ids:
        return {}
    query = sa.select(LibraryPayment).where(
        LibraryPayment.status == LibraryPaymentStatus.ACCEPTED,
        LibraryPayment.charge_id.in_(charge_ids),
    )
    return {payment.charge_id: payment for payment in session.scalars(query)}
