from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime


class SigningKeyRecord(Model):
    """A credential signing key's public half and its life; the private seed never enters the DB."""

    __tablename__ = "signing_keys"

    # base64url of the first 8 bytes of SHA-256 of the raw public key, as in the QR's header.
    kid: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[CreatedAt]
    # Set when a newer key takes over signing; the key stays published while its cards are valid.
    signs_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The latest expiry among the cards it signed: it is published until then.
    last_card_expires: Mapped[date | None] = mapped_column(sa.Date)
