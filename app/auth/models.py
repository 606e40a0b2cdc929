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
    # Carried in every token (claim `ver`) and raised by a password change or reset and by
    # disabling: tokens that carry an older value are refused, even after a reactivation.
    token_version: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    # Set by an administrator's reset: the account may do nothing but choose a new password.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class SignInThrottle(Model):
    """Failed sign-ins per account name or per client address, kept in the database so every
    worker process sees them. The key is a hash: neither names nor addresses are stored. Keys
    starting `preapply:` count pre-applications per client (app.preapplications)."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    failures: Mapped[int]
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
