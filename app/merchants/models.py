from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk


class Merchant(Model):
    """A place that scans cards and may charge stored value; authenticates with an API key."""

    __tablename__ = "merchants"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(sa.String(120))
    category: Mapped[str] = mapped_column(sa.String(16))
    # SHA-256 of the key: the key is 256 random bits, so a fast hash is enough and lookups stay O(1).
    api_key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    api_key_prefix: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MerchantStaff(Model):
    """A person at a merchant's desk (a library clerk, a parking attendant) who signs in to the
    merchant desk in a browser. Kept apart from `users`: these accounts can never obtain an API
    token, and the merchant's API key (for devices) never reaches a browser."""

    __tablename__ = "merchant_staff"

    id: Mapped[UUIDPk]
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised when the account is disabled or its password changes: open desk sessions end.
    token_version: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    created_at: Mapped[CreatedAt]
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
