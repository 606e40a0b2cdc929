"""The auditor's view of offline parking: who is charged most, and which meters book most.

An upload is the meter's word, not proof that the holder parked; a card or a merchant far above
the others is where an auditor looks first."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.errors import Unprocessable
from app.kit.types import utcnow
from app.merchants.models import Merchant
from app.payments.models import AccountKind, Charge, LedgerAccount, ParkingSession
from app.payments.parking.schemas import OfflineCardTotal, OfflineMerchantTotal, OfflineReport

DEFAULT_DAYS = 30


def report(
    session: Session, reader: Principal, since: date | None, until: date | None, limit: int
) -> OfflineReport:
    """Offline charges made from `since` to `until` (city days, the last 30 by default)."""
    until = until or city_day(utcnow())
    since = since or until - timedelta(days=DEFAULT_DAYS)
    if since > until:
        raise Unprocessable(f"since ({since}) is after until ({until})")
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    offline = (
        sa.select(Charge)
        .join(ParkingSession, ParkingSession.id == Charge.parking_session_id)
        .where(ParkingSession.offline.is_(True), Charge.occurred_at >= start)
        .where(Charge.occurred_at < end)
        .subquery()
    )
    total = sa.func.sum(offline.c.amount_cents)
    holder = LedgerAccount.owner
    by_card = session.execute(
        sa.select(holder, sa.func.count(), total)
        .join(LedgerAccount, LedgerAccount.id == offline.c.account_id)
        .group_by(holder)
        .order_by(total.desc(), holder)
        .limit(limit)
    ).all()
    owed = dict(
        session.execute(
            sa.select(LedgerAccount.owner, LedgerAccount.balance_cents).where(
                LedgerAccount.kind == AccountKind.SHORTFALL,
                LedgerAccount.owner.in_([row[0] for row in by_card]),
            )
        ).all()
    )
    by_merchant = session.execute(
        sa.select(
            Merchant.id,
            Merchant.name,
            sa.func.count(),
            total,
            sa.func.sum(offline.c.shortfall_cents),
        )
        .join(Merchant, Merchant.id == offline.c.merchant_id)
        .group_by(Merchant.id, Merchant.name)
        .order_by(total.desc(), Merchant.id)
        .limit(limit)
    ).all()
    audit.record(
        session, actor=reader.actor, action="payment.offline_report.read", subject="parking"
    )
    return OfflineReport(
        since=since,
        until=until,
        timezone=settings.city_timezone,
        cards=[
            OfflineCardTotal(
                applicant_id=owner,
                charges_count=int(count),
                charged_cents=int(cents),
                owed_cents=int(owed.get(owner) or 0),
            )
            for owner, count, cents in by_card
        ],
        merchants=[
            OfflineMerchantTotal(
                merchant_id=merchant_id,
                merchant_name=name,
                charges_count=int(count),
                charged_cents=int(cents),
                shortfall_cents=int(short or 0),
            )
            for merchant_id, name, count, cents, short in by_merchant
        ],
    )
