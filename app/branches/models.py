from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt


class Branch(Model):
    """A place where clerks serve residents and keep a cash drawer: City Hall, a library branch.

    Staff accounts and cash drawers name a branch by its code; only codes in this table exist."""

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Shown to residents (where to go, when it is open), so plain text a person wrote.
    address: Mapped[str | None] = mapped_column(sa.String(300))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[CreatedAt]
