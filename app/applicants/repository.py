"""All SQL about applicants, their photos and the decisions on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants.models import (
    Applicant,
    ApplicantStatus,
    Decision,
    DecisionOutcome,
    Photo,
    Signature,
)


def add(session: Session, row: Applicant | Decision | Photo | Signature) -> None:
    session.add(row)
    session.flush()


def get(session: Session, applicant_id: str, *, for_update: bool = False) -> Applicant | None:
    query = sa.select(Applicant).where(Applicant.id == applicant_id)
    if for_update:
        # Approve/deny lock the applicant, so two clerks cannot decide (or issue two cards) at once.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def by_ids(session: Session, applicant_ids: Sequence[str]) -> dict[str, Applicant]:
    query = sa.select(Applicant).where(Applicant.id.in_(applicant_ids))
    return {applicant.id: applicant for applicant in session.scalars(query)}


def born_on(session: Session, day: date, *, limit: int = 500) -> list[Applicant]:
    query = sa.select(Applicant).where(Applicant.date_of_birth == day).order_by(Applicant.id)
    return list(session.scalars(query.limit(limit)))


def pending(session: Session, *, limit: int) -> list[Applicant]:
    query = sa.select(Applicant).where(Applicant.status == ApplicantStatus.PENDING)
    return list(session.scalars(query.order_by(Applicant.created_at, Applicant.id).limit(limit)))


def count_pending(session: Session) -> int:
    query = sa.select(sa.func.count()).where(Applicant.status == ApplicantStatus.PENDING)
    return int(session.scalar(query) or 0)


def photo(session: Session, applicant_id: str) -> Photo | None:
    return session.get(Photo, applicant_id)


def has_photo(session: Session, applicant_id: str) -> bool:
    query = sa.select(sa.exists().where(Photo.applicant_id == applicant_id))
    return bool(session.scalar(query))


def replace_photo(session: Session, new: Photo) -> None:
    old = session.get(Photo, new.applicant_id)
    if old is None:
        add(session, new)
        return
    old.jpeg, old.width, old.height = new.jpeg, new.width, new.height
    old.uploaded_by, old.uploaded_at = new.uploaded_by, new.uploaded_at
    session.flush()


def signature(session: Session, applicant_id: str) -> Signature | None:
    return session.get(Signature, applicant_id)


def replace_signature(session: Session, new: Signature) -> None:
    old = session.get(Signature, new.applicant_id)
    if old is None:
        add(session, new)
        return
    old.png, old.uploaded_by, old.uploaded_at = new.png, new.uploaded_by, new.uploaded_at
    session.flush()


def latest_approvers(session: Session, applicant_ids: Sequence[str]) -> dict[str, str]:
    """Who made the latest approval of each applicant (`decided_by`), by applicant id; applicants
    never approved are left out."""
    query = (
        sa.select(Decision.applicant_id, Decision.decided_by)
        .where(
            Decision.outcome == DecisionOutcome.APPROVED, Decision.applicant_id.in_(applicant_ids)
        )
        .order_by(Decision.decided_at, Decision.id)
    )
    # Oldest first, so each applicant's latest approval is the one left in the dict.
    return dict(session.execute(query).all())
