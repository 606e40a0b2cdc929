"""All SQL of the library domain: the outbox rows and what the reports read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants.models import Applicant, Decision
from app.auth.models import User
from app.cards.models import Card, CardStatus
from app.library.models import ACCEPTED, PENDING, REFUSED, LibraryPayment
from app.payments.models import Charge, Refund


def add(session: Session, payment: LibraryPayment) -> None:
    session.add(payment)
    session.flush()


def get(session: Session, payment_id: str) -> LibraryPayment | None:
    query = sa.select(LibraryPayment).where(LibraryPayment.id == payment_id)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def due(session: Session, now: datetime, limit: int) -> list[str]:
    query = (
        sa.select(LibraryPayment.id)
        .where(LibraryPayment.status == PENDING, LibraryPayment.next_attempt_at <= now)
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
            LibraryPayment.status == PENDING,
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


def refused_waiting(session: Session) -> list[LibraryPayment]:
    """Refused payments whose charge has not been refunded in full: staff must act on them."""
    refunded_in_full = sa.select(Charge.id).where(Charge.refunded_cents >= Charge.amount_cents)
    query = (
        sa.select(LibraryPayment)
        .where(LibraryPayment.status == REFUSED, LibraryPayment.charge_id.not_in(refunded_in_full))
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


def refunds_to_reverse(
    session: Session, start: datetime, end: datetime
) -> list[tuple[Refund, LibraryPayment]]:
    """Refunds booked in the period of fine payments the library accepted: SIP2 cannot undo a
    payment, so its staff re-open the fine by hand."""
    query = (
        sa.select(Refund, LibraryPayment)
        .join(LibraryPayment, LibraryPayment.charge_id == Refund.charge_id)
        .where(LibraryPayment.status == ACCEPTED, Refund.at >= start, Refund.at < end)
        .order_by(Refund.at, Refund.id)
    )
    return [(refund, payment) for refund, payment in session.execute(query).all()]


def refunded_cents(session: Session, charge_ids: list[str]) -> dict[str, int]:
    if not charge_ids:
        return {}
    query = sa.select(Charge.id, Charge.refunded_cents).where(Charge.id.in_(charge_ids))
    return {row.id: row.refunded_cents for row in session.execute(query)}


def cards_issued_since(
    session: Session, start: datetime
) -> list[tuple[Card, Applicant, str | None]]:
    """Cards issued from `start` on and not revoked, with the branch of the staff member whose
    approval of the holder is the latest (None when no staff account made it)."""
    latest = (
        sa.select(
            Decision.applicant_id,
            Decision.decided_by,
            sa.func.row_number()
            .over(partition_by=Decision.applicant_id, order_by=Decision.decided_at.desc())
            .label("n"),
        )
        .where(Decision.outcome == "approved")
        .subquery()
    )
    query = (
        sa.select(Card, Applicant, User.branch)
        .join(Applicant, Applicant.id == Card.applicant_id)
        .outerjoin(latest, sa.and_(latest.c.applicant_id == Applicant.id, latest.c.n == 1))
        .outerjoin(User, latest.c.decided_by == sa.literal("user:") + User.id)
        .where(Card.issued_at >= start, Card.status != CardStatus.REVOKED)
        .order_by(Card.issued_at, Card.id)
    )
    return [(card, applicant, branch) for card, applicant, branch in session.execute(query).all()]
