"""What the parking endpoints take and answer: zones and times, never a licence plate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from app.kit.schema import InputSchema, Schema
from app.kit.text import Name
from app.kit.types import WHOLE, IsoInstant
from app.payments.schemas import ChargeRead, QrText

# A meter's request id names a charge, nothing more.
REQUEST_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
ZONE_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
ZoneCode = Annotated[str, Field(pattern=ZONE_CODE_PATTERN)]
# A day at most: no zone sells a longer stay.
Minutes = Annotated[int, Field(strict=True, gt=0, le=1440), WHOLE]


class ZoneUpsert(InputSchema):
    name: Name = Field(min_length=1, max_length=120)
    rate_cents_per_hour: Annotated[int, Field(strict=True, gt=0, le=100_000), WHOLE]
    # The longest stay one session may buy, extensions included.
    max_minutes: Minutes
    active: StrictBool = True


class ZoneRead(Schema):
    code: str
    name: str
    rate_cents_per_hour: int
    max_minutes: int
    active: bool
    updated_at: datetime


class SessionStart(InputSchema):
    qr: QrText
    zone: ZoneCode
    minutes: Minutes


class SessionExtend(InputSchema):
    minutes: Minutes


class SessionRead(Schema):
    id: str
    zone: str
    starts_at: datetime
    ends_at: datetime
    minutes: int
    rate_cents_per_hour: int
    # Everything this session has cost, extensions included.
    charged_cents: int
    # The charge this request made: None when an extension cost nothing more.
    charge: ChargeRead | None


class OfflineCharge(InputSchema):
    """A charge a meter made while offline, uploaded later with its own request id."""

    request_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=REQUEST_ID_PATTERN,
        description="The meter's own id for the charge: letters, digits and _ . : - (up to 64).",
    )
    qr: QrText
    zone: ZoneCode
    minutes: Minutes
    # When the card was presented at the meter.
    occurred_at: IsoInstant


class OfflineUpload(InputSchema):
    charges: list[OfflineCharge] = Field(min_length=1, max_length=500)


class OfflineResult(Schema):
    request_id: str
    # charged: booked now; duplicate: booked by an earlier upload (its figures repeated);
    # rejected: not booked (see error and detail), may be sent again once fixed.
    outcome: Literal["charged", "duplicate", "rejected"]
    charge_id: str | None = None
    session_id: str | None = None
    receipt_number: str | None = None
    amount_cents: int | None = None
    # From the balance; the rest was booked to the cardholder's shortfall, recovered at the
    # next load.
    taken_cents: int | None = None
    shortfall_cents: int | None = None
    error: str | None = None
    detail: str | None = None


class OfflineUploadRead(Schema):
    results: list[OfflineResult]


class OfflineCardTotal(Schema):
    """A cardholder's offline parking in the period (their cards share one stored value)."""

    applicant_id: str
    charges_count: int
    charged_cents: int
    # What the holder owes now from offline stays the balance did not cover.
    owed_cents: int


class OfflineMerchantTotal(Schema):
    merchant_id: str
    merchant_name: str
    charges_count: int
    charged_cents: int
    # Of that, what was booked to cardholders' shortfall.
    shortfall_cents: int


class OfflineReport(Schema):
    """The cardholders and merchants with the largest offline parking totals, largest first."""

    since: date
    until: date
    timezone: str
    cards: list[OfflineCardTotal]
    merchants: list[OfflineMerchantTotal]
