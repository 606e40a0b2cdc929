from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from app.cards.printing.models import PrintJob
from app.kit.schema import InputSchema, Schema

# The published spelling of PrintJobStatus (app.cards.printing.models): a Literal, which the OpenAPI document shows inline
# as it always has; tests/cards/test_card_statuses.py keeps the two alike.
PublishedPrintJobStatus = Literal["queued", "printed", "cancelled"]
# `cards`: one CR80 page per side, for card printers; `sheet`: Letter pages of 10 cards to cut.
BatchLayout = Literal["cards", "sheet"]
MAX_BATCH = 50


class PrintJobRead(Schema):
    id: str
    card_number: str
    kind: Literal["issue", "reprint"]
    status: PublishedPrintJobStatus
    attempts: int
    reprints: int
    last_failure: str | None
    reprint_reason: str | None
    created_at: datetime
    printed_at: datetime | None

    @classmethod
    def of(cls, job: PrintJob, *, card_number: str) -> PrintJobRead:
        return cls.model_validate(
            {
                **{name: getattr(job, name) for name in cls.model_fields if name != "card_number"},
                "card_number": card_number,
            }
        )


class PrintFailure(InputSchema):
    # What the printer said, for whoever clears the jam; never personal data.
    reason: str = Field(min_length=1, max_length=300)


class BatchRequest(InputSchema):
    # uniqueItems: the schema says what _distinct refuses.
    job_ids: list[str] = Field(
        min_length=1, max_length=MAX_BATCH, json_schema_extra={"uniqueItems": True}
    )

    @field_validator("job_ids")
    @classmethod
    def _distinct(cls, job_ids: list[str]) -> list[str]:
        if len(set(job_ids)) != len(job_ids):
            raise ValueError("each job may appear once")
        return job_ids
