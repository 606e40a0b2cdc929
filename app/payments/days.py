"""The city's days: daily spending limits, settlements and drawer reports follow its clock."""

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
