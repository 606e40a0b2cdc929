"""The limits an offline meter's charge must keep, judged per card once its stored value is locked.

A meter holds any card's QR that was ever shown to it, so an upload is not proof that the holder
parked. What it may book is bounded: one card parks once at a time (no overlapping stays), the
day's spending limit counts offline charges like any other, and what the balance cannot cover
may add up to at most a cap (`offline_owed_cap_cents`, by default the dearest stay any zone sells).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.charges import repository as charge_repository
from app.payments.errors import DailySpendLimitReached, OfflineDebtCapReached, StayOverlaps
from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import Account
from app.payments.models import ParkingSession
from app.payments.parking import repository
from app.payments.parking.zones import price


def owed_cap(session: Session) -> int:
    """What one card may owe from offline stays."""
    if settings.offline_owed_cap_cents is not None:
        return settings.offline_owed_cap_cents
    zones = repository.zone_limits(session)
    return max((price(rate, minutes) for rate, minutes in zones), default=0)


def check(
    session: Session,
    stored_value: Account,
    stay: ParkingSession,
    *,
    rest: int,
    owed: int,
    cap: int,
) -> None:
    """Raise why this stay may not be booked; the stored value row must already be locked, so
    concurrent uploads for one card are judged one after the other."""
    starts, amount = stay.starts_at, stay.charged_cents
    if repository.stays_overlap(session, stored_value.id, starts, stay.ends_at):
        raise StayOverlaps("this card has another stay at that time")
    limit = settings.daily_spend_limit_cents
    spent = charge_repository.charged_on(session, stored_value.id, *day_bounds(city_day(starts)))
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
        ledger.count_spent(session, stored_value.id, amount, day=today)
