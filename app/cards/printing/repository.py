from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.models import Card
from app.cards.printing.models import PrintJob, PrintJobStatus


def add(session: Session, job: PrintJob) -> None:
    session.add(job)
    session.flush()


def get(session: Session, job_id: str, *, for_update: bool = False) -> PrintJob | None:
    query = sa.select(PrintJob).where(PrintJob.id == job_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def get_many(session: Session, job_ids: Sequence[str]) -> dict[str, PrintJob]:
    # Locked in a fixed order, so two batches over the same jobs cannot deadlock.
    query = (
        sa.select(PrintJob)
        .where(PrintJob.id.in_(job_ids))
        .order_by(PrintJob.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {job.id: job for job in session.scalars(query)}


def queued_for_card(session: Session, card_id: str, *, for_update: bool = False) -> list[PrintJob]:
    query = (
        sa.select(PrintJob)
        .where(PrintJob.card_id == card_id, PrintJob.status == PrintJobStatus.QUEUED)
        .order_by(PrintJob.created_at, PrintJob.id)
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))


def first_queued_of_cards(session: Session, card_ids: Sequence[str]) -> dict[str, PrintJob]:
    """Each card's oldest queued job (`queued_for_card(...)[0]`), for many cards in one query."""
    query = (
        sa.select(PrintJob)
        .where(PrintJob.card_id.in_(card_ids), PrintJob.status == PrintJobStatus.QUEUED)
        .order_by(PrintJob.created_at.desc(), PrintJob.id.desc())
    )
    # Newest first, so the oldest of each card is the one left in the dict.
    return {job.card_id: job for job in session.scalars(query)}


def list_with_numbers(
    session: Session, *, status: str | None, limit: int
) -> list[tuple[PrintJob, str]]:
    """Jobs in arrival order, each with its card's number."""
    query = sa.select(PrintJob, Card.number).join(Card, Card.id == PrintJob.card_id)
    if status is not None:
        query = query.where(PrintJob.status == status)
    query = query.order_by(PrintJob.created_at, PrintJob.id).limit(limit)
    return [(job, number) for job, number in session.execute(query)]


def applicant_has_queued_job(session: Session, applicant_id: str) -> bool:
    """Whether a card of this applicant waits in the print queue."""
    statement = (
        sa.select(PrintJob.id)
        .join(Card, Card.id == PrintJob.card_id)
        .where(Card.applicant_id == applicant_id, PrintJob.status == PrintJobStatus.QUEUED)
        .limit(1)
    )
    return session.scalar(statement) is not None


def queued_count(session: Session) -> int:
    """Print jobs waiting for a printer, for /metrics."""
    query = (
        sa.select(sa.func.count())
        .select_from(PrintJob)
        .where(PrintJob.status == PrintJobStatus.QUEUED)
    )
    return int(session.execute(query).scalar_one())
