"""All SQL about proof checks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.proofs.models import ProofCheck


def add(session: Session, check: ProofCheck) -> None:
    session.add(check)
    session.flush()


def for_applicant(session: Session, applicant_id: str) -> list[ProofCheck]:
    query = (
        sa.select(ProofCheck)
        .where(ProofCheck.applicant_id == applicant_id)
        .order_by(ProofCheck.checked_at, ProofCheck.id)
    )
    return list(session.scalars(query))


def for_applicants(session: Session, applicant_ids: list[str]) -> dict[str, list[ProofCheck]]:
    """Each applicant's checks (in `for_applicant`'s order), in one query."""
    query = (
        sa.select(ProofCheck)
        .where(ProofCheck.applicant_id.in_(applicant_ids))
        .order_by(ProofCheck.checked_at, ProofCheck.id)
    )
    out: dict[str, list[ProofCheck]] = {}
    for check in session.scalars(query):
        out.setdefault(check.applicant_id, []).append(check)
    return out


def get(session: Session, applicant_id: str, check_id: str) -> ProofCheck | None:
    query = sa.select(ProofCheck).where(
        ProofCheck.id == check_id, ProofCheck.applicant_id == applicant_id
    )
    return session.scalars(query).one_or_none()


def delete(session: Session, check: ProofCheck) -> None:
    session.delete(check)
    session.flush()
