"""What the library endpoints take and answer. Amounts are integer cents."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, field_validator

from app.kit.schema import InputSchema, Schema
from app.payments.schemas import AmountCents, ChargeRead, LibraryFeeId, QrText

# The most fines one desk payment takes: a resident's whole list, not a bulk channel.
MAX_FINES_AT_ONCE = 20


class FineRead(Schema):
    fee_id: str
    amount_cents: int
    description: str


class FinesPage(Schema):
    """A patron's outstanding fees as the library's system lists them (all on one page)."""

    items: list[FineRead]
    next_cursor: str | None = None


class FineChoice(InputSchema):
    library_fee_id: LibraryFeeId
    amount_cents: AmountCents


class FinesPaymentCreate(InputSchema):
    """The fines the resident chose at the desk, paid together from the card whose QR was scanned."""

    qr: QrText
    fines: list[FineChoice] = Field(min_length=1, max_length=MAX_FINES_AT_ONCE)

    @field_validator("fines")
    @classmethod
    def _each_fee_once(cls, fines: list[FineChoice]) -> list[FineChoice]:
        ids = [fine.library_fee_id for fine in fines]
        if len(set(ids)) != len(ids):
            raise ValueError("each fee may be chosen once per payment")
        return fines


class FineChargeRead(ChargeRead):
    library_fee_id: str


class FinesPaymentRead(Schema):
    """One charge (one receipt, one Fee Paid) per fine; all booked together or none."""

    charges: list[FineChargeRead]
    total_cents: int
    balance_cents: int


class LibraryPaymentRead(Schema):
    """A fine payment and what the library's system made of it. `receipt_number` is the
    transaction id (BK) the library files it under."""

    id: str
    charge_id: str
    receipt_number: str
    patron_barcode: str
    fee_id: str
    amount_cents: int
    # pending (not yet answered) | accepted | refused
    status: str
    sends: int
    answers: int
    # answer: the library's 38 said so; lookup: its fee record showed it paid after a lost answer
    settled_by: str | None
    screen_message: str | None
    last_error: str | None
    refunded_cents: int
    created_at: datetime
    answered_at: datetime | None


class CountAndCents(Schema):
    count: int
    cents: int


class ReconciliationTotals(Schema):
    sent: CountAndCents
    accepted: CountAndCents
    refused: CountAndCents
    pending: CountAndCents


class RefundToReverse(Schema):
    """A refund of a fine payment the library accepted: its staff re-open the fee by hand."""

    refund_id: str
    charge_id: str
    receipt_number: str
    patron_barcode: str
    fee_id: str
    amount_cents: int
    at: datetime


class ReconciliationRead(Schema):
    """One city day of library-fine charges paired with the library system's answers."""

    date: date
    timezone: str
    totals: ReconciliationTotals
    payments: list[LibraryPaymentRead]
    # Any day's: refused by the library and not refunded in full; staff retry or refund them.
    refused_waiting: list[LibraryPaymentRead]
    # Sent more than once under the same transaction id: the library may have booked it twice.
    sent_more_than_once: list[LibraryPaymentRead]
    refunds_to_reverse: list[RefundToReverse]
