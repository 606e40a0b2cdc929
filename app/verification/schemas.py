from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from app.applicants.fields import IsoDate
from app.kit.schema import InputSchema, Schema

# The most characters any QR code holds (version 40, alphanumeric mode): a longer text was not
# scanned from a card, and is refused before any decoding is tried.
QR_MAX_CHARS = 4296

# The published spelling of Outcome (app.verification.outcomes): a Literal, which the OpenAPI
# document shows inline; tests/verification holds the two equal.
PublishedOutcome = Literal["valid", "revoked", "expired", "invalid"]


class VerifyRequest(InputSchema):
    qr: str = Field(
        max_length=QR_MAX_CHARS, description="The text scanned from the card's QR code."
    )


class VerifyByNumberRequest(InputSchema):
    number: str = Field(max_length=32, description="The card number as printed (spaces allowed).")
    date_of_birth: IsoDate = Field(description="The holder's date of birth, YYYY-MM-DD.")


class VerifyResult(Schema):
    """What a merchant learns: the card's standing and, when the signature is good, what the card
    itself prints. Absent fields are left out of the answer."""

    status: PublishedOutcome
    # Why a card is `invalid`: malformed, unknown_key, bad_signature, unsupported_algorithm,
    # unknown_card (signed by the city but not on record) or not_issued (never handed out).
    reason: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    expires_on: date | None = None


class DailyCountRead(Schema):
    merchant_id: str
    day: date
    valid: int
    revoked: int
    expired: int
    invalid: int
