"""A merchant's own charges on one city day, page by page, with the day's totals: what the desk
lists, totals and exports at closing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.models import Charge, Refund
from app.payments.schemas import ChargeDayRead, ChargeLine


def _page(
    session: Session,
    query: sa.Select[Charge],
    mine: sa.ColumnElement[bool],
    limit: int,
    cursor: str | None,
) -> list[Charge]:
    if cursor is not None:
        after = session.execute(
            sa.select(Charge.at, Charge.id).where(Charge.id == cursor, mine)
        ).one_or_none()
        if after is None:
            # Not one of this day's charges, or not this merchant's: there is no page after it.
            return []
        query = query.where(sa.tuple_(Charge.at, Charge.id) > tuple(after))
    return list(session.scalars(query.order_by(Charge.at, Charge.id).limit(limit)))


def charges_of_day(
    session: Session, merchant: Principal, day: date | None, *, limit: int, cursor: str | None
) -> ChargeDayRead:
    """The calling merchant's charges booked on `day` (today by default), oldest first."""
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    mine = sa.and_(Charge.merchant_id == merchant.id, Charge.at >= start, Charge.at < end)
    rows = _page(session, sa.select(Charge).where(mine), mine, limit + 1, cursor)
    count, charged = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Charge.amount_cents), 0)).where(
            mine
        )
    ).one()
    refunds, refunded = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0)).where(
            Refund.merchant_id == merchant.id, Refund.at >= start, Refund.at < end
        )
    ).one()
    page = rows[:limit]
    return ChargeDayRead(
        date=day,
        timezone=settings.city_timezone,
        items=[ChargeLine.model_validate(c) for c in page],
        next_cursor=page[-1].id if len(rows) > limit else None,
        charges_count=int(count),
        charged_cents=int(charged),
        refunds_count=int(refunds),
        refunded_cents=int(refunded),
        net_cents=int(charged) - int(refunded),
    )
