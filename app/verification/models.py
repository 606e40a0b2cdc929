from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model


class Outcome(StrEnum):
    """What a verification answers about a card, online or typed by number. Only a count of each
    is kept: one column of that name per merchant and day (VerificationCount)."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"


class VerificationCount(Model):
    """How many QR codes one merchant verified on one day, by outcome.

    This is all the server keeps about verifications: never which card was shown, to whom or at
    what time, so there is nothing to hand over that could trace a cardholder's movements.
    """

    __tablename__ = "verification_counts"

    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    valid: Mapped[int] = mapped_column(default=0)
    revoked: Mapped[int] = mapped_column(default=0)
    expired: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)


class RateBucket(Model):
    """One merchant key's verification allowance, a token bucket kept as the moment it will be
    full again (the generic cell rate algorithm): every worker of every server takes from the
    same row, so a key gets its limit however many processes answer it.

    `full_at` is in seconds since the epoch; `admitted` says whether the last take found a
    request in the bucket, so the statement that takes can also answer (RETURNING).
    """

    __tablename__ = "verify_rate_buckets"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    full_at: Mapped[float] = mapped_column(sa.Double)
    admitted: Mapped[bool]
