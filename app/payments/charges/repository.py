"""The charges' SQL: booking a charge, finding one to refund, a merchant's day of them, and what
other domains read of charges and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import direct
from app.kit.types import UTCDateTime
from app.payments.models import Charge, ChargePurpose, Refund

# Plain SQL compiled once, like the ledger's statements on this path.
_INSERT_CHARGE = sa.text(
    "INSERT INTO charges (id, transfer_id, merchant_id, account_id, amount_cents,"
    " shortfall_cents, refunded_cents, purpose, reference, receipt_number, parking_session_id, at)"
    " VALUES (:id, :transfer_id, :merchant_id, :account_id, :amount, 0, 0, :purpose, :reference,"
    " :receipt_number, :parking_session_id, :at)"
).bindparams(sa.bindparam("at", type_=UTCDateTime()))


def insert_charge(
    session: Session,
    *,
    id: str,
    transfer_id: str,
    merchant_id: str,
    account_id: str,
    amount: int,
    purpose: ChargePurpose,
    reference: str,
    receipt_number: str,
    parking_session_id: str | None,
    at: datetime,
) -> None:
    """A charge nothing is refunded from yet and no shortfall was booked for."""
    direct.rows(
        session,
        _INSERT_CHARGE,
        {
            "id": id,
            "transfer_id": transfer_id,
            "merchant_id": merchant_id,
            "account_id": account_id,
            "amount": amount,
            "purpose": purpose,
            "reference": reference,
            "receipt_number": receipt_number,
            "parking_session_id": parking_session_id,
            "at": at,
        },
    )


def charge_for_refund(session: Session, charge_id: str, receipt_number: str) -> Charge | None:
    """The charge with this id or receipt number, locked: two refunds of one charge at once
    queue here, so together they cannot exceed it."""
    query = (
        sa.select(Charge)
        .where(sa.or_(Charge.id == charge_id, Charge.receipt_number == receipt_number))
        .with_for_update(key_share=True)
    )
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def is_refund(session: Session, refund_id: str) -> bool:
    return session.get(Refund, refund_id) is not None


def add_refund(session: Session, refund: Refund) -> None:
    session.add(refund)
    session.flush()


def charges_page(
    session: Session,
    mine: sa.ColumnElement[bool],
    limit: int,
    cursor: str | None,
) -> list[Charge]:
    """The charges `mine` selects, oldest first, from just after charge `cursor` (which must be
    one of them: otherwise there is no page)."""
    query = sa.select(Charge).where(mine)
    if cursor is not None:
        after = session.execute(
            sa.select(Charge.at, Charge.id).where(Charge.id == cursor, mine)
        ).one_or_none()
        if after is None:
            return []
        query = query.where(sa.tuple_(Charge.at, Charge.id) > tuple(after))
    return list(session.scalars(query.order_by(Charge.at, Charge.id).limit(limit)))


def merchant_day(merchant_id: str, start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """Which charges are the merchant's, booked in [start, end)."""
    return sa.and_(Charge.merchant_id == merchant_id, Charge.at >= start, Charge.at < end)


def charge_totals(session: Session, mine: sa.ColumnElement[bool]) -> tuple[int, int]:
    """(charges, cents) of the charges `mine` selects."""
    count, cents = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Charge.amount_cents), 0)).where(
            mine
        )
    ).one()
    return int(count), int(cents)


def refund_totals(
    session: Session, merchant_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(refunds, cents) the merchant gave back in [start, end)."""
    count, cents = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0)).where(
            Refund.merchant_id == merchant_id, Refund.at >= start, Refund.at < end
        )
    ).one()
    return int(count), int(cents)


def add_charge(session: Session, charge: Charge) -> None:
    """A charge written through the ORM (an offline meter's, with its shortfall)."""
    session.add(charge)
    session.flush()


def charged_on(session: Session, account_id: str, start: datetime, end: datetime) -> int:
    """What the card was charged for in [start, end): an offline charge counts when it was made,
    an online one when it was booked."""
    when = sa.func.coalesce(Charge.occurred_at, Charge.at)
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Charge.amount_cents), 0)).where(
            Charge.account_id == account_id, when >= start, when < end
        )
    )
    return int(total or 0)


def totals_by_purpose(session: Session) -> dict[str, tuple[int, int]]:
    """How many charges and how many cents, by purpose, for /metrics."""
    purpose = sa.type_coerce(Charge.purpose, sa.String())  # as stored, known or not
    rows = session.execute(
        sa.select(purpose, sa.func.count(), sa.func.sum(Charge.amount_cents)).group_by(purpose)
    ).all()
    return {str(p): (int(n), int(c or 0)) for p, n, c in rows}


def refunded_cents(session: Session, charge_ids: Sequence[str]) -> dict[str, int]:
    """How much has been given back on each charge, by charge id (charges gone to the retention
    rollup left out)."""
    if not charge_ids:
        return {}
    query = sa.select(Charge.id, Charge.refunded_cents).where(Charge.id.in_(charge_ids))
    return {row.id: row.refunded_cents for row in session.execute(query)}


def refunded_in_full(session: Session, charge_ids: Sequence[str]) -> set[str]:
    """Which of these charges have been refunded to the last cent."""
    if not charge_ids:
        return set()
    query = sa.select(Charge.id).where(
        Charge.id.in_(charge_ids), Charge.refunded_cents >= Charge.amount_cents
    )
    return set(session.scalars(query))


def refunds_of_purpose(
    session: Session, purpose: ChargePurpose, start: datetime, end: datetime
) -> list[Refund]:
    """Refunds booked in [start, end) on charges made for `purpose`, oldest first."""
    query = (
        sa.select(Refund)
        .join(Charge, Charge.id == Refund.charge_id)
        .where(Charge.purpose == purpose, Refund.at >= start, Refund.at < end)
        .order_by(Refund.at, Refund.id)
    )
    return list(session.scalars(query))
