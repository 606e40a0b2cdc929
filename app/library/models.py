"""The library outbox: one row per card payment of a library fine, written in the charge's own
transaction, and what the library's system answered when the worker sent it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk


class LibraryPaymentStatus(StrEnum):
    """pending until the library answers (or its fee record shows it paid): then accepted or
    refused. A refused payment goes back to pending when staff send it again."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class LibraryPayment(Model):
    """A Fee Paid (37) to send, or sent, for one charge. Only what the library needs: its patron
    barcode, its fee id, the amount and our receipt number as the transaction id (BK)."""

    __tablename__ = "library_payments"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'refused')", name="status_known"),
        sa.Index("ix_library_payments_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[UUIDPk]
    # No foreign key: the ledger's retention rollup deletes charges older than it keeps, and
    # what the library was told outlives that detail.
    charge_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    receipt_number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    merchant_id: Mapped[str] = mapped_column(sa.String(36))
    patron_barcode: Mapped[str] = mapped_column(sa.String(32))
    fee_id: Mapped[str] = mapped_column(sa.String(64))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[LibraryPaymentStatus] = mapped_column(
        sa.String(12), default=LibraryPaymentStatus.PENDING
    )
    created_at: Mapped[CreatedAt] = mapped_column(index=True)
    # The fee's outstanding amount before our first send (0: the library did not list it); what
    # lets a send whose answer was lost be asked about instead of sent again blind.
    outstanding_before_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Fee Paid messages written to the library (counted before the bytes go out) and the 38s read.
    sends: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    # Failed tries in a row, for the backoff; the worker takes the row again from this time on.
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    # answer: a 38 said so; lookup: the library's own fee record showed it paid after a lost answer.
    settled_by: Mapped[str | None] = mapped_column(sa.String(8))
    screen_message: Mapped[str | None] = mapped_column(sa.String(255))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
