"""The limits an offline meter's charge must keep, judged per card once its stored value is locked.

A meter holds any card's QR that was ever shown to it, so an upload is not proof that the holder
parked. What it may book is bounded: one card parks once at a time (no overlapping stays), the
day's spending limit counts offline charges like any other, and what the balance cannot cover
may add up to at most a cap (`offline_owed_cap_cents`, by default the dearest stay any zone sells).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.errors import DailySpendLimitReached, OfflineDebtCapReached, StayOverlaps
from app.payments.ledger.accounts import Account
from app.payments.models import Charge, ParkingSession, ParkingZone
from app.payments.parking.service import price

# Count the day's spending the way the online limit does, in one statement.
_COUNT_SPENT = sa.text(
    "UPDATE ledger_accounts SET"
    " spent_cents = CASE WHEN spent_on = :day THEN spent_cents ELSE 0 END + :amount,"
    " spent_on = :day WHERE id = :id"
).bindparams(sa.bindparam("day", type_=sa.Date()))


def owed_cap(session: Session) -> int:
    """What one card may owe from offline stays."""
    if settings.offline_owed_cap_cents is not None:
        return settings.offline_owed_cap_cents
    zones = session.execute(sa.select(ParkingZone.rate_cents_per_hour, ParkingZone.max_minutes))
    return max((price(rate, minutes) for rate, minutes in zones), default=0)


def _overlapping(session: Session, account: Account, starts: datetime, ends: datetime) -> bool:
    query = sa.select(
        sa.exists().where(
            ParkingSession.account_id == account.id,
            ParkingSession.starts_at < ends,
            ParkingSession.ends_at > starts,
        )
    )
    return bool(session.scalar(query))


def _spent_on(session: Session, account: Account, day: date) -> int:
    """What the card was charged for on the city day `day`: an offline charge counts on the day
    it was made, an online one on the day it was booked."""
    start, end = day_bounds(day)
    when = sa.func.coalesce(Charge.occurred_at, Charge.at)
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Charge.amount_cents), 0)).where(
            Charge.account_id == account.id, when >= start, when < end
        )
    )
    return int(total or 0)


def check(
    session: Session,
    stored_value: Account,
    *,
    starts: datetime,
    ends: datetime,
    amount: int,
    rest: int,
    owed: int,
    cap: int,
) -> None:
    """Raise why this stay may not be booked; the stored value row must already be locked, so
    concurrent uploads for one card are judged one after the other."""
    if _overlapping(session, stored_value, starts, ends):
        raise StayOverlaps("this card has another stay at that time")
    limit = settings.daily_spend_limit_cents
    spent = _spent_on(session, stored_value, city_day(starts))
    if spent + amount > limit:
        raise DailySpendLimitReached(
            f"this card may spend {limit} cents a day and had {max(limit - spent, 0)} left that day"
        )
    if rest and owed + rest > cap:
        raise OfflineDebtCapReached(
            f"the card owes {owed} cents from offline parking; at most {cap} may be owed"
        )


def count_spent(session: Session, stored_value: Account, amount: int, *, starts: datetime) -> None:
    """A stay made today counts in today's spending, which online charges are limited by."""
    today = city_day(utcnow())
    if city_day(starts) == today:
        session.execute(_COUNT_SPENT, {"id": stored_value.id, "amount": amount, "day": today})
