"""What the stored-value endpoints take and answer. Amounts are integer cents, never floats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from app.kit.bounds import Day
from app.kit.schema import InputSchema, Schema
from app.kit.types import WHOLE

# $10,000: far above any balance cap. Anything larger is a typo or an attack, refused with a 422
# before it reaches the ledger. Strict: 12.5, 12.0, "12" and true are not amounts.
MAX_AMOUNT_CENTS = 1_000_000
AmountCents = Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT_CENTS), WHOLE]
QrText = Annotated[str, Field(min_length=1, max_length=4096)]
# The merchant's own reference (a fine id, an order number): short, printable, no free prose, so
# it cannot become a place to keep anything about the cardholder.
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _./#:-]*$"
Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=REFERENCE_PATTERN,
        description="Letters, digits, space and _ . / # : - (up to 64), starting with a letter "
        "or digit.",
    ),
]
Purpose = Literal["library_fine", "parking", "other"]
# A library's own fee id (SIP2's CG): printable ASCII without spaces or SIP2's delimiter "|".
LibraryFeeId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[!-{}~]+$")]


class LoadCreate(InputSchema):
    amount_cents: AmountCents


class LoadRead(Schema):
    id: str
    amount_cents: int
    balance_cents: int
    # The part of the cash that paid back offline parking the balance could not cover.
    shortfall_recovered_cents: int
    branch: str
    at: datetime


class BalanceRead(Schema):
    balance_cents: int


class ChargeCreate(InputSchema):
    qr: QrText
    amount_cents: AmountCents
    purpose: Purpose
    # The merchant's own reference: the library's fine id, a parking session, an order number.
    reference: Reference
    # A library fine's fee id: the library's own system is told of the payment (app/library/).
    library_fee_id: LibraryFeeId | None = None

    # The schema says what _fee_id_pays_a_fine refuses: a fee id only with purpose library_fine.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"library_fee_id": {"type": "string"}},
                "required": ["library_fee_id"],
            },
            "then": {"properties": {"purpose": {"const": "library_fine"}}},
        }
    )

    @model_validator(mode="after")
    def _fee_id_pays_a_fine(self) -> ChargeCreate:
        if self.library_fee_id is not None and self.purpose != "library_fine":
            raise ValueError("library_fee_id goes with purpose library_fine")
        return self


class ChargeRead(Schema):
    """A charge as its receipt shows it."""

    id: str
    receipt_number: str
    merchant_name: str
    purpose: str
    reference: str
    amount_cents: int
    # What remains on the card after this charge.
    balance_cents: int
    at: datetime


class RefundCreate(InputSchema):
    amount_cents: AmountCents


class RefundRead(Schema):
    id: str
    charge_id: str
    receipt_number: str
    amount_cents: int
    # What of the charge may still be refunded.
    refundable_cents: int
    balance_cents: int
    at: datetime


class StatementLine(Schema):
    """One movement on the cardholder's stored value; positive adds to the balance."""

    entry_id: int
    at: datetime
    # load | charge | refund | shortfall_recovery | rollup (older detail kept only as totals)
    kind: str
    amount_cents: int
    balance_after_cents: int
    merchant_name: str | None = None
    purpose: str | None = None
    reference: str | None = None
    receipt_number: str | None = None
    parking_zone: str | None = None
    branch: str | None = None


class StatementRead(Schema):
    balance_cents: int
    # Offline parking the balance could not cover, taken from the next load.
    owed_cents: int
    spent_today_cents: int
    daily_spend_limit_cents: int
    balance_cap_cents: int
    # The one list shape (app/kit/paging): pass next_cursor as `cursor` for the next, older page.
    items: list[StatementLine]
    next_cursor: str | None
    # The same page as the first clients read it, until the next major version.
    lines: list[StatementLine] = Field(deprecated=True)
    next_before: int | None = Field(deprecated=True)


class PurposeTotal(Schema):
    purpose: str
    count: int
    cents: int


class SettlementRead(Schema):
    """A merchant's charges and refunds booked on one city day."""

    merchant_id: str
    merchant_name: str
    date: date
    timezone: str
    charges_count: int
    charged_cents: int
    refunds_count: int
    refunded_cents: int
    net_cents: int
    # Of the charges, what offline meters booked to cardholders' shortfall receivables.
    shortfall_cents: int
    by_purpose: list[PurposeTotal]
    # Everything the city owes the merchant, all days together.
    payable_balance_cents: int


class ClerkTotal(Schema):
    clerk: str
    loads_count: int
    loaded_cents: int
    fees_count: int = 0
    fees_cents: int = 0
    # Charges the clerk refunded to cardholders' stored value: no cash leaves the drawer.
    refunds_count: int = 0
    refunded_cents: int = 0


# A day's cash at one branch: far above any real drawer, anything larger is a typo.
MAX_DRAWER_CENTS = 100_000_000


class DrawerCloseCreate(InputSchema):
    day: Day
    counted_cents: Annotated[int, Field(strict=True, ge=0, le=MAX_DRAWER_CENTS), WHOLE]


class DrawerCloseRead(Schema):
    """A closed day: the cash the books expected, what was counted, and the difference."""

    branch: str
    day: date
    expected_cents: int
    counted_cents: int
    # counted - expected: negative when cash is missing, positive when there is too much.
    difference_cents: int
    closed_by: str
    closed_at: datetime


class DrawerRead(Schema):
    """A branch's cash drawer on one city day: the cash its clerks took for fees and loads, and
    the refunds they made (which take no cash)."""

    branch: str
    date: date
    timezone: str
    opening_cents: int
    loads_count: int
    loaded_cents: int
    closing_cents: int
    shortfall_recovered_cents: int
    by_clerk: list[ClerkTotal]
    fees_count: int = 0
    fees_cents: int = 0
    refunds_count: int = 0
    refunded_cents: int = 0
    # The cash the day's counter work put in the drawer (fees and loads): what a close counts.
    expected_cents: int = 0
    # The day's close, once someone closed it.
    closed: DrawerCloseRead | None = None


class ChargeLine(Schema):
    """One of a merchant's charges, as its receipt shows it, with what was refunded of it."""

    id: str
    receipt_number: str
    purpose: str
    reference: str
    amount_cents: int
    refunded_cents: int
    at: datetime


class ChargeDayRead(Schema):
    """A merchant's charges booked on one city day, oldest first, and the day's totals."""

    date: date
    timezone: str
    items: list[ChargeLine]
    # Pass as `cursor` for the next page; None on the last page.
    next_cursor: str | None
    charges_count: int
    charged_cents: int
    # Refunds booked on the day, whichever day their charge was.
    refunds_count: int
    refunded_cents: int
    net_cents: int
