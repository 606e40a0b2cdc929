"""Bounds for every date and integer the API takes, so none reaches arithmetic or a database
column it overflows (9999-12-31 plus a day, 2**63 in a BIGINT): a 422, never a 500."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, WithJsonSchema

from app.kit.types import IsoDay

# Reports, counts and birth dates fall between these; anything outside is a typo or a probe.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# The largest value of a BIGINT column (PostgreSQL and SQLite alike).
MAX_BIGINT = 2**63 - 1

# The published schema states the bounds as a pattern (JSON Schema has no bounds for a date):
# exactly the calendar days from 1900-01-01 to 2199-12-31. Leap years there are those divisible
# by 4 except 1900 and 2100.
_LEAP_YEAR = "(19|21)(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26])"
_MONTH_DAY = (
    r"(0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|02-(0[1-9]|1\d|2[0-8])"
)
DAY_PATTERN = rf"^((19|2[01])\d\d-({_MONTH_DAY})|({_LEAP_YEAR})-02-29)$"


def _within_bounds(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"a day falls between {EARLIEST_DAY} and {LATEST_DAY}")
    return value


Day = Annotated[
    IsoDay,
    AfterValidator(_within_bounds),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
DayQuery = Annotated[Day | None, Query(description="A day of the city's calendar, YYYY-MM-DD.")]
