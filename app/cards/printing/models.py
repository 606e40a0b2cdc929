from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk


class PrintJobStatus(StrEnum):
    """queued -> printed; queued -> cancelled when its card is revoked before it was printed."""

    QUEUED = "queued"
    PRINTED = "printed"
    CANCELLED = "cancelled"


class PrintJobKind(StrEnum):
    """`issue` is a card's first print and activates it; `reprint` is another copy of an active
    card (a misprint, a jam) and activates nothing."""

    ISSUE = "issue"
    REPRINT = "reprint"


class PrintJob(Model):
    """One card to print. Printing an `issue` job activates its card; a `reprint` job prints
    another copy of a card that is already active (a misprint, a jam) and activates nothing."""

    __tablename__ = "print_jobs"
    # The printer's queue is read by status in arrival order.
    __table_args__ = (sa.Index("ix_print_jobs_status_created_at", "status", "created_at"),)

    id: Mapped[UUIDPk]
    card_id: Mapped[str] = mapped_column(sa.ForeignKey("cards.id"), index=True)
    kind: Mapped[PrintJobKind] = mapped_column(sa.String(16), default=PrintJobKind.ISSUE)
    status: Mapped[PrintJobStatus] = mapped_column(sa.String(16), default=PrintJobStatus.QUEUED)
    created_at: Mapped[CreatedAt]
    created_by: Mapped[str] = mapped_column(sa.String(80))
    # Why a reprint was asked for (misprint, jammed, ...); empty for a card's first print.
    reprint_reason: Mapped[str | None] = mapped_column(sa.String(32))
    # Each outcome a printer reports (failed, or printed) is one attempt.
    attempts: Mapped[int] = mapped_column(default=0)
    last_failure: Mapped[str | None] = mapped_column(sa.String(300))
    # Copies of the PDF fetched again after the job was printed: each one is another card in
    # someone's hands, so each is counted (and audited).
    reprints: Mapped[int] = mapped_column(default=0)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    printed_by: Mapped[str | None] = mapped_column(sa.String(80))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
