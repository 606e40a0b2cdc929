"""A proof check keeps what a document proved, never which document it was."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UUIDPk


class ProofCheck(Model):
    """A clerk saw a document: the points and requirements it met, who checked it and when.

    Deliberately absent: the document's code or type (a foreign passport or a consular ID betrays
    origin), its number, its issuer, any image of it.
    """

    __tablename__ = "proof_checks"

    id: Mapped[UUIDPk]
    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), index=True)
    identity_points: Mapped[int]
    shows_photo: Mapped[bool]
    shows_date_of_birth: Mapped[bool]
    proves_residency: Mapped[bool]
    # Residency only: the last day this check still counts as recent proof of residency.
    residency_valid_until: Mapped[date | None] = mapped_column(sa.Date)
    checked_by: Mapped[str] = mapped_column(sa.String(80))
    checked_at: Mapped[CreatedAt]
