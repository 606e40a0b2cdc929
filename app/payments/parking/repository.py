"""The parking SQL: zones, and the sessions parked in them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.kit.paging import decode, keyset, page_of
from app.payments.models import Charge, LedgerAccount, ParkingSession, ParkingZone


def zone(session: Session, code: str, *, for_update: bool = False) -> ParkingZone | None:
    return session.get(ParkingZone, code, with_for_update=for_update)


def add_zone(session: Session, zone: ParkingZone) -> None:
    session.add(zone)


def zones_page(
    session: Session, cursor: str | None, limit: int
) -> tuple[list[ParkingZone], str | None]:
    """Zones by code, from just after the cursor's."""
    query = keyset(sa.select(ParkingZone), [ParkingZone.code], decode(cursor, 1), limit)
    return page_of(list(session.scalars(query)), limit, lambda z: [z.code])


def parking_session(
    session: Session, session_id: str, *, for_update: bool = False
) -> ParkingSession | None:
    query = sa.select(ParkingSession).where(ParkingSession.id == session_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def add_session(session: Session, parking: ParkingSession) -> None:
    session.add(parking)
    session.flush()


def zone_limits(session: Session) -> list[tuple[int, int]]:
    """(rate in cents per hour, longest stay in minutes) of every zone."""
    rows = session.execute(sa.select(ParkingZone.rate_cents_per_hour, ParkingZone.max_minutes))
    return [(rate, minutes) for rate, minutes in rows]


def stays_overlap(session: Session, account_id: str, starts: datetime, ends: datetime) -> bool:
    """Whether the card has a stay overlapping [starts, ends)."""
    query = sa.select(
        sa.exists().where(
            ParkingSession.account_id == account_id,
            ParkingSession.starts_at < ends,
            ParkingSession.ends_at > starts,
        )
    )
    return bool(session.scalar(query))


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
