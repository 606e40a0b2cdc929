"""Column and value types shared across domains."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import AwareDatetime, BeforeValidator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

# Money is integer cents, never float.
Cents = int


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite keeps no zone, so we restore it on read)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)


def as_utc(value: datetime | None) -> datetime | None:
    """A moment read from the database as UTC: SQLite keeps no zone (the value is UTC), a
    driver may answer in its session's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


UUIDPk = Annotated[str, mapped_column(sa.String(36), primary_key=True, default=new_id)]
CreatedAt = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow, nullable=False)]


def _iso_day(value: object) -> object:
    # Pydantic alone would read "0" or 0 as 1970-01-01 (a Unix time): a day is written YYYY-MM-DD.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


def _iso_instant(value: object) -> object:
    # Pydantic alone would read 0 as 1970-01-01T00:00:00Z (a Unix time): a time is written
    # ISO 8601 with its offset, as the schema's date-time says.
    if not isinstance(value, str):
        raise ValueError("a time is written YYYY-MM-DDTHH:MM:SS with its offset (Z or +HH:MM)")
    return value


IsoInstant = Annotated[AwareDatetime, BeforeValidator(_iso_instant)]


def _whole_number(value: object) -> object:
    # JSON Schema's integer includes 5.0, so the schema allows it; strict ints alone would refuse
    # it. A fraction (5.5), a string ("5") and a boolean are still refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After a strict int's bounds: Annotated[int, Field(strict=True, gt=0), WHOLE] (placed after them,
# the bounds stay on the integer and reach the published schema).
WHOLE = BeforeValidator(_whole_number)
