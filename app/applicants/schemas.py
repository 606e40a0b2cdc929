"""What staff send and receive about an applicant. Input forbids unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from app.applicants.fields import (
    BirthDate,
    CardName,
    CareOf,
    CityName,
    ContactName,
    Email,
    Language,
    Phone,
    PostalCode,
    Street,
    Unit,
)
from app.kit.schema import InputSchema, Schema
from app.kit.types import Cents

_NAME_MAX = 100
# Self-designated; absent when the person chose none.
Gender = Literal["F", "M", "X"]
# The published spelling of ApplicantStatus (app.applicants.models): a Literal, which the OpenAPI document shows inline
# as it always has; tests/applicants/test_applicant_statuses.py keeps the two alike.
PublishedApplicantStatus = Literal["pending", "approved", "denied"]
# What the counter may name as the reason for a waiver. Only the coarse kind is kept (see
# app.approvals.fees): homelessness and domestic violence are confidential facts about a person.
FeeWaiverReason = Literal["hardship", "senior", "veteran", "homeless", "domestic_violence"]
StoredWaiver = Literal["hardship", "senior", "veteran"]
# How a fee was settled at the counter: cash into the branch's drawer, or waived (no cash).
FeePaid = Literal["cash", "waived"]


# What check_fee_paid refuses, stated in the JSON schema, so that a client (or a contract test)
# reading the spec knows it: "waived" names a waiver, "cash" names none.
FEE_SETTLED: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"fee_paid": {"const": "waived"}}, "required": ["fee_paid"]},
            "then": {"properties": {"fee_waiver": {"type": "string"}}, "required": ["fee_waiver"]},
        },
        {
            "if": {"properties": {"fee_paid": {"const": "cash"}}, "required": ["fee_paid"]},
            "then": {"properties": {"fee_waiver": {"type": "null"}}},
        },
    ]
}


def check_fee_paid(fee_paid: FeePaid | None, fee_waiver: str | None) -> None:
    """A fee paid in cash has no waiver; a waived one names its reason in `fee_waiver`."""
    if fee_paid == "cash" and fee_waiver is not None:
        raise ValueError("a fee paid in cash has no fee_waiver; send one or the other")
    if fee_paid == "waived" and fee_waiver is None:
        raise ValueError("a waived fee names its reason in fee_waiver")


# Why an application is denied: a fixed list, never free text, none about a person's origin.
DenialReason = Literal[
    "insufficient_identity",
    "insufficient_residency",
    "documents_not_genuine",
    "not_a_resident",
    "under_minimum_age",
    "duplicate_application",
    "withdrawn_by_applicant",
]


def _blank_is_none(value: object) -> object:
    # Longer than any name may be is refused as too long, blank or not (the schema's maxLength).
    blank = isinstance(value, str) and not value.strip() and len(value) <= _NAME_MAX
    return None if blank else value


# A person with a single name (a mononym) registers it as the family name and leaves the given
# name out or blank; it is stored as "" and the card prints the one name once.
# (Blank, spaces only, is in the type so that the schema says it is accepted; the validator has
# made it None before the union is tried.)
# (Not stripped, unlike other input: a blank over the limit is refused as too long.)
_Blank = Annotated[
    str, StringConstraints(strip_whitespace=False, max_length=_NAME_MAX, pattern=r"^\s*$")
]
GivenName = Annotated[CardName | _Blank | None, BeforeValidator(_blank_is_none)]


class Address(InputSchema):
    # "c/o": whose address it is, for a person who gets mail at a shelter or with someone else.
    care_of: CareOf | None = None
    street: Street
    unit: Unit | None = None
    city: CityName
    postal_code: PostalCode


class EmergencyContact(InputSchema):
    name: ContactName
    phone: Phone


class ApplicantCreate(InputSchema):
    given_name: GivenName = None
    family_name: CardName
    latin_name: CardName | None = None
    date_of_birth: BirthDate
    # Optional: a person without a fixed address registers without one (residency is proved
    # by the proof checks, not by this field).
    address: Address | None = None
    phone: Phone | None = None
    email: Email | None = None
    preferred_languages: list[Language] = Field(default_factory=list, max_length=2)
    gender: Gender | None = None
    # False for domestic-violence survivors and people without a fixed address.
    address_on_card: StrictBool = True
    emergency_contact: EmergencyContact | None = None


# Fields that cannot be cleared: a correction may change them but not send null.
# (A given name may be cleared: the person goes by one name, kept as the family name; so may the
# address, for a person who no longer has one.)
_REQUIRED = ("family_name", "date_of_birth", "address_on_card")


class ApplicantUpdate(InputSchema):
    """A correction: only the fields sent change; null clears an optional field."""

    # At least one field (_required_stay_set refuses an empty correction), said in the schema.
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    # The fields that cannot be cleared may be left out but not sent as null: the schema says so
    # (SkipJsonSchema keeps null out of it) and _required_stay_set refuses it.
    given_name: GivenName = None
    family_name: CardName | SkipJsonSchema[None] = None
    latin_name: CardName | None = None
    date_of_birth: BirthDate | SkipJsonSchema[None] = None
    address: Address | None = None
    phone: Phone | None = None
    email: Email | None = None
    preferred_languages: list[Language] | None = Field(default=None, max_length=2)
    gender: Gender | None = None
    address_on_card: StrictBool | SkipJsonSchema[None] = None
    emergency_contact: EmergencyContact | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> ApplicantUpdate:
        cleared = [f for f in _REQUIRED if f in self.model_fields_set and getattr(self, f) is None]
        if cleared:
            raise ValueError(f"these fields cannot be cleared: {', '.join(cleared)}")
        if not self.model_fields_set:
            raise ValueError("send at least one field to correct")
        return self


class AddressRead(Schema):
    care_of: str | None
    street: str
    unit: str | None
    city: str
    postal_code: str


class EmergencyContactRead(Schema):
    name: str | None
    phone: str | None


class ApplicantRead(Schema):
    id: str
    given_name: str
    family_name: str
    latin_name: str | None
    date_of_birth: date
    address: AddressRead | None
    address_on_card: bool
    phone: str | None
    email: str | None
    preferred_languages: list[str]
    gender: Gender | None
    emergency_contact: EmergencyContactRead | None
    status: PublishedApplicantStatus
    has_photo: bool
    has_signature: bool
    created_at: datetime
    updated_at: datetime | None


class ApplicantCorrected(ApplicantRead):
    # True when a name or the date of birth changed while the person holds an active card: the
    # card (and its signed QR) still shows the old one, so the counter should offer a replacement.
    card_needs_replacement: bool


class ApplicantWarning(Schema):
    code: Literal["possible_duplicate"]
    applicant_id: str
    detail: str


class ApplicantCreated(ApplicantRead):
    warnings: list[ApplicantWarning]


class ApplicantMatch(Schema):
    """A search result: enough to tell people apart at the counter."""

    id: str
    given_name: str
    family_name: str
    date_of_birth: date
    status: PublishedApplicantStatus


class PhotoRead(Schema):
    applicant_id: str
    width: int
    height: int
    size_bytes: int
    uploaded_at: datetime


class SignatureRead(Schema):
    applicant_id: str
    width: int
    height: int
    size_bytes: int
    uploaded_at: datetime


class ApproveRequest(InputSchema):
    model_config = ConfigDict(json_schema_extra=FEE_SETTLED)

    fee_waiver: FeeWaiverReason | None = None
    # Absent: "waived" when a waiver is named, else the fee is taken in cash.
    fee_paid: FeePaid | None = None

    @model_validator(mode="after")
    def _fee_settled_one_way(self) -> ApproveRequest:
        check_fee_paid(self.fee_paid, self.fee_waiver)
        return self


class DenyRequest(InputSchema):
    reason: DenialReason


class IssuedCard(Schema):
    number: str
    status: str
    expires_on: date
    fee_cents: Cents
    fee_waiver: StoredWaiver | None
    # "cash": booked into the approving clerk's branch drawer; "waived": nothing was due.
    fee_paid: FeePaid


class ApprovalRead(Schema):
    applicant_id: str
    decision_id: str
    card: IssuedCard


class DenialRead(Schema):
    applicant_id: str
    decision_id: str
    status: Literal["denied"]
    reason: DenialReason
