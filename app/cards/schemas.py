from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, model_validator

from app.applicants.schemas import (
    FEE_SETTLED,
    FeePaid,
    FeeWaiverReason,
    check_fee_paid,
)
from app.kit.schema import InputSchema, Schema
from app.kit.types import Cents

# The published spelling of CardStatus (app.cards.models): a Literal, which the OpenAPI document shows inline
# as it always has; tests/cards/test_card_statuses.py keeps the two alike.
PublishedCardStatus = Literal["pending_print", "active", "revoked", "expired"]
# Why staff revoke a card. `renewed` is never asked for: the system sets it when a renewal card
# is printed and the card it renews stops being valid.
RevokeReason = Literal["lost", "stolen", "damaged", "replaced", "surrendered", "issued_in_error"]
ReplaceReason = Literal["lost", "stolen", "damaged", "replaced"]
# The counter names a waiver as at approval; only its coarse kind is stored (app.approvals.fees), as
# homelessness or domestic violence are confidential facts. `city_error`: the city's own fault
# (a card damaged before pickup, a misprinted name) costs the holder nothing.
FeeWaiver = FeeWaiverReason | Literal["city_error"]


ReprintReason = Literal["misprint", "jammed", "lost_before_pickup", "damaged_before_pickup"]


class RevokeRequest(InputSchema):
    reason: RevokeReason


class ReplaceRequest(InputSchema):
    model_config = ConfigDict(json_schema_extra=FEE_SETTLED)

    reason: ReplaceReason
    fee_waiver: FeeWaiver | None = None
    # Absent: "waived" when a waiver is named, else the fee is taken in cash.
    fee_paid: FeePaid | None = None

    @model_validator(mode="after")
    def _fee_settled_one_way(self) -> ReplaceRequest:
        check_fee_paid(self.fee_paid, self.fee_waiver)
        return self


class RenewRequest(InputSchema):
    model_config = ConfigDict(json_schema_extra=FEE_SETTLED)

    fee_waiver: FeeWaiver | None = None
    fee_paid: FeePaid | None = None

    @model_validator(mode="after")
    def _fee_settled_one_way(self) -> RenewRequest:
        check_fee_paid(self.fee_paid, self.fee_waiver)
        return self


class ReprintRequest(InputSchema):
    reason: ReprintReason


class CardRead(Schema):
    number: str
    # As printed on the card: four groups of four digits.
    number_grouped: str
    # `expired` is computed on read: the stored status stays as printed (app.cards.validity).
    status: PublishedCardStatus
    applicant_id: str
    issued_at: datetime
    expires_on: date
    activated_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    replaces: str | None
    replaced_by: str | None
    fee_cents: Cents
    fee_waiver: str | None
    renewal_opens_on: date
    renewal_closes_on: date
    # The print job still waiting for the printer, if any.
    print_job_id: str | None


class CardSummary(Schema):
    """A card in a person's list: enough for the counter to tell them apart."""

    number: str
    number_grouped: str
    status: PublishedCardStatus
    issued_at: datetime
    expires_on: date
    activated_at: datetime | None
    replaces: str | None


class CardList(Schema):
    items: list[CardSummary]
    # A person holds a handful of cards: one page holds them all.
    next_cursor: None = None
