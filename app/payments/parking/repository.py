"""The parking SQL: zones, and the sessions parked in them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.payments.models import Charge, LedgerAccount, ParkingSession, ParkingZone


def zone(session: Session, code: str) -> ParkingZone | None:
    return session.get(ParkingZone, code)


def add_session(session: Session, parking: ParkingSession) -> None:
    session.add(parking)
    session.flush()


def _offline(start: datetime, end: datetime) -> sa.Subquery:
    """Charges of offline stays made in [start, end)."""
    return (
        sa.select(Charge)
        .join(ParkingSession, ParkingSession.id == Charge.parking_session_id)
        .where(ParkingSession.offline.is_(True), Charge.occurred_at >= start)
        .where(Charge.occurred_at < end)
        .subquery()
    )


def offline_by_holder(
    session: Session, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int, int]]:
    """(cardholder, charges, cents) of the `limit` largest offline totals, largest first."""
    offline = _offline(start, end)
    total = sa.func.sum(offline.c.amount_cents)
    holder = LedgerAccount.owner
    rows = session.execute(
        sa.select(holder, sa.func.count(), total)
        .join(LedgerAccount, LedgerAccount.id == offline.c.account_id)
        .group_by(holder)
        .order_by(total.desc(), holder)
        .limit(limit)
    )
    return [(owner, int(count), int(cents)) for owner, count, cents in rows]


def offline_by_merchant(
    session: Session, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int, int, int]]:
    """(merchant id, charges, cents, shortfall cents) of the `limit` largest offline totals."""
    offline = _offline(start, end)
    total = sa.func.sum(offline.c.amount_cents)
    rows = session.execute(
        sa.select(
            offline.c.merchant_id, sa.func.count(), total, sa.func.sum(offline.c.shortfall_cents)
        )
        .group_by(offline.c.merchant_id)
        .order_by(total.desc(), offline.c.merchant_id)
        .limit(limit)
    )
    return [(merchant, int(n), int(cents), int(short or 0)) for merchant, n, cents, short in rows]
