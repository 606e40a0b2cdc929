"""Dates in the city's words: its days (spending limits, settlements and drawer reports follow its
clock) and a person's age on a day (fees and card validity)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.config import settings


def city_zone() -> ZoneInfo:
    return ZoneInfo(settings.city_timezone)


def city_day(at: datetime) -> date:
    return at.astimezone(city_zone()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the city's day starts and the next one starts."""
    zone = city_zone()
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day`: a birthday on the day counts."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
