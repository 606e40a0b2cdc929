"""Bounds for every date and integer the API takes, so none reaches arithmetic or a database
column it overflows (9999-12-31 plus a day, 2**63 in a BIGINT): a 422, never a 500."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from app.kit.types import IsoDay

# Reports, counts and birth dates fall between these; anything outside is a typo or a probe.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# The largest value of a BIGINT column (PostgreSQL and SQLite alike).
MAX_BIGINT = 2**63 - 1

DayQuery = Annotated[
    IsoDay | None,
    Query(ge=EARLIEST_DAY, le=LATEST_DAY, description="A day of the city's calendar, YYYY-MM-DD."),
]
