"""Putting cards in the printer's queue and taking them out (used by the card lifecycle), and
the photo the printer may fetch for a queued card."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.applicants import images
from app.applicants import service as applicants
from app.applicants.errors import PhotoNotInPrintQueue
from app.audit import service as audit
from app.cards.models import Card
from app.cards.printing import repository
from app.cards.printing.models import PrintJob, PrintJobKind, PrintJobStatus
from app.kit.types import utcnow


def enqueue(
    session: Session,
    card: Card,
    *,
    actor: str,
    kind: PrintJobKind = PrintJobKind.ISSUE,
    reason: str | None = None,
) -> PrintJob:
    job = PrintJob(
        card_id=card.id,
        kind=kind,
        status=PrintJobStatus.QUEUED,
        created_by=actor,
        reprint_reason=reason,
        attempts=0,
        reprints=0,
    )
    repository.add(session, job)
    audit.record(
        session,
        actor=actor,
        action="print_job.enqueue",
        subject=f"print_job:{job.id}",
        detail={"card": card.id, "kind": kind},
    )
    return job


def queued_job(session: Session, card: Card) -> PrintJob | None:
    jobs = repository.queued_for_card(session, card.id)
    return jobs[0] if jobs else None


def queued_jobs(session: Session, cards: Sequence[Card]) -> dict[str, PrintJob]:
    """`queued_job` of each card, by card id (cards with none are left out)."""
    return repository.first_queued_of_cards(session, [card.id for card in cards])


def cancel_queued(session: Session, card: Card, *, actor: str) -> None:
    """A revoked card must never come out of the printer."""
    for job in repository.queued_for_card(session, card.id, for_update=True):
        job.status = PrintJobStatus.CANCELLED
        job.cancelled_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="print_job.cancel",
            subject=f"print_job:{job.id}",
            detail={"card": card.id},
        )
    session.flush()


def photo_for_printer(session: Session, applicant_id: str, *, actor: str) -> bytes:
    """The applicant's photo for the printer role: only while a card of the applicant waits in
    the print queue, so a print station cannot collect everyone's photo."""
    applicant = applicants.find(session, applicant_id)
    if not repository.applicant_has_queued_job(session, applicant.id):
        raise PhotoNotInPrintQueue("the printer gets a photo only for a card in its print queue")
    return images.download_photo(session, applicant.id, actor=actor)
