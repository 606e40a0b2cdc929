"""A merchant's own charges on one city day, page by page, with the day's totals: what the desk
lists, totals and exports at closing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.charges import repository
from app.payments.schemas import ChargeDayRead, ChargeLine


def charges_of_day(
    session: Session, merchant: Principal, day: date | None, *, limit: int, cursor: str | None
) -> ChargeDayRead:
    """The calling merchant's charges booked on `day` (today by default), oldest first."""
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    mine = repository.merchant_day(merchant.id, start, end)
    rows = repository.charges_page(session, mine, limit + 1, cursor)
    count, charged = repository.charge_totals(session, mine)
    refunds, refunded = repository.refund_totals(session, merchant.id, start, end)
    page = rows[:limit]
    return ChargeDayRead(
        date=day,
        timezone=settings.city_timezone,
        items=[ChargeLine.model_validate(c) for c in page],
        next_cursor=page[-1].id if len(rows) > limit else None,
        charges_count=count,
        charged_cents=charged,
        refunds_count=refunds,
        refunded_cents=refunded,
        net_cents=charged - refunded,
    )
