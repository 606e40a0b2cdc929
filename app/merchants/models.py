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
