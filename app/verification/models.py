from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model


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
