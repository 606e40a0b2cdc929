from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime


class WebSession(Model):
    """A signed-in browser. Kept on the server so that signing out, or disabling the account,
    ends it at once; the cookie holds a random token whose SHA-256 is the id here."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The language the clerk chose; it follows them from page to page.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    # The account's token_version when signed in: a password change or reset, or disabling the
    # account, moves it on and so ends this session too (as it ends API tokens).
    token_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[CreatedAt]
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeskSession(Model):
    """A merchant staff member signed in to the merchant desk; as WebSession, for another kind of
    account (app.merchants.models.MerchantStaff) and its own cookie; the language is the
    browser's language cookie."""

    __tablename__ = "desk_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(sa.ForeignKey("merchant_staff.id"), index=True)
    token_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[CreatedAt]
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
