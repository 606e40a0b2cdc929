"""Dates in the city's words: its days (spending limits, settlements and drawer reports follow its
clock), a person's age on a day (fees and card validity), and calendar arithmetic (validity,
renewal windows)."""

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


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last_day in (day.day, 30, 29, 28):  # 31 August + 6 months is the end of February
        try:
            return date(year, month, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
