"""The catalog as published, the pre-check, and proof checks as staff see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.applicants.fields import IsoDate
from app.kit.schema import InputSchema, Schema
from app.proofs.catalog import CODE_PATTERN

DocumentCode = Annotated[str, Field(min_length=2, max_length=40, pattern=CODE_PATTERN)]


class DocumentRead(Schema):
    code: str
    name_en: str
    name_es: str
    identity_points: int
    shows_photo: bool
    shows_date_of_birth: bool
    proves_residency: bool
    max_age_days: int | None


class EligibilityRequest(InputSchema):
    """The documents a person means to bring (codes from GET /v1/documents)."""

    documents: list[DocumentCode] = Field(max_length=30)


class Requirement(Schema):
    requirement: str
    detail: str


class NamedDocument(Schema):
    code: str
    name: str


class EligibilityRead(Schema):
    eligible: bool
    missing: list[Requirement]
    identity_points: int
    identity_points_needed: int
    # Said even when eligible: the pre-check cannot see dates, the counter can.
    reminders: list[str]
    # The answer's language, from Accept-Language: "en" (the default) or "es".
    language: Literal["en", "es"] = "en"
    # The documents counted (each once), named in the answer's language.
    documents: list[NamedDocument] = []


class ProofCheckCreate(InputSchema):
    """A document the clerk has in hand; only what it proves is kept, never the document."""

    document: DocumentCode
    # Required where recency matters (residency documents with a maximum age).
    document_date: IsoDate | None = None


class ProofCheckRead(Schema):
    id: str
    applicant_id: str
    identity_points: int
    shows_photo: bool
    shows_date_of_birth: bool
    proves_residency: bool
    residency_valid_until: date | None
    checked_by: str
    checked_at: datetime


class ProofSummary(Schema):
    """The checks recorded for an applicant and what the documents still leave missing."""

    checks: list[ProofCheckRead]
    identity_points: int
    missing: list[Requirement]
