from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk


class CardStatus(StrEnum):
    """A card's lifecycle: pending_print -> active -> revoked. `expired` is never stored: it is
    computed on read from `expires_on` (app.cards.validity), so nothing has to run at midnight."""

    PENDING_PRINT = "pending_print"
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Card(Model):
    """One physical card. A replacement is a new Card; the old one is revoked."""

    __tablename__ = "cards"
    __table_args__ = (
        sa.UniqueConstraint("status_list_id", "status_index"),
        # The revoked cards alone: the status list reads its bits and its fingerprint here
        # instead of reading every card (migration 0018).
        sa.Index(
            "ix_cards_revoked_list_index",
            "status_list_id",
            "status_index",
            "revoked_at",
            postgresql_where=sa.text("status = 'revoked'"),
            sqlite_where=sa.text("status = 'revoked'"),
        ),
    )

    id: Mapped[UUIDPk]
    # A 14-digit library patron number (16 digits on cards issued before), random with a check
    # digit: no card number reveals another (app/cards/numbers.py).
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), index=True)
    status: Mapped[CardStatus] = mapped_column(
        sa.String(16), default=CardStatus.PENDING_PRINT, index=True
    )
    issued_at: Mapped[CreatedAt]
    expires_on: Mapped[date] = mapped_column(sa.Date)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(32))
    replaces_card_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cards.id"), index=True)
    fee_cents: Mapped[int] = mapped_column(default=0)
    fee_waiver: Mapped[str | None] = mapped_column(sa.String(32))
    # The card's entry in the revocation list (IETF Token Status List): a random index.
    status_list_id: Mapped[str] = mapped_column(sa.String(16))
    status_index: Mapped[int]
