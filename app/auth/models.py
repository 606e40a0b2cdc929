from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk


class User(Model):
    """A staff account: clerk, supervisor, printer, auditor or admin."""

    __tablename__ = "users"

    id: Mapped[UUIDPk]
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    # The branch whose cash drawer a clerk's loads go into (City Hall, a library branch...).
    branch: Mapped[str] = mapped_column(sa.String(64), default="city-hall")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
