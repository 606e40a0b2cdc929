"""The printer's side of the queue: fetch a job's PDF, report it printed (once, which activates
its card) or failed; and the counter's reprint of an active card."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.cards import repository as cards_repository
from app.cards import service as cards
from app.cards.errors import CardExpired, CardNotPrinted, CardRevoked, PrintJobOpen
from app.cards.models import Card, CardStatus
from app.cards.printing import documents, queue, repository
from app.cards.printing.errors import (
    CardNotPrintable,
    PrintJobAlreadyPrinted,
    PrintJobCancelled,
    PrintJobNotFound,
)
from app.cards.printing.models import PrintJob, PrintJobKind, PrintJobStatus
from app.cards.printing.schemas import BatchLayout, PrintJobRead
from app.cards.validity import effective_status
from app.kit.types import utcnow
from cards.numbers import grouped

_NOT_ACTIVE = {
    CardStatus.REVOKED: CardRevoked,
    CardStatus.EXPIRED: CardExpired,
    CardStatus.PENDING_PRINT: CardNotPrinted,
}


def list_jobs(session: Session, *, status: str | None, limit: int) -> list[PrintJobRead]:
    return [
        PrintJobRead.of(job, card_number=number)
        for job, number in repository.list_with_numbers(session, status=status, limit=limit)
    ]


def _job(session: Session, job_id: str) -> PrintJob:
    job = repository.get(session, job_id, for_update=True)
    if job is None:
        raise PrintJobNotFound("no print job has this id")
    return job


def _card(session: Session, job: PrintJob) -> Card:
    card = cards_repository.get(session, job.card_id)
    assert card is not None  # a foreign key guarantees it
    return card


def _release(session: Session, job: PrintJob, card: Card, *, actor: str) -> None:
    """Check that the job may be printed now and record that its PDF left the building."""
    if job.status == PrintJobStatus.CANCELLED:
        raise PrintJobCancelled(f"print job {job.id} was cancelled: its card was revoked")
    state = effective_status(card, utcnow().date())
    if state in (CardStatus.EXPIRED, CardStatus.REVOKED):
        raise CardNotPrintable(f"print job {job.id}'s card is {state}: it must not be printed")
    if job.status == PrintJobStatus.PRINTED:
        # A second copy of a card already in someone's hands: counted and in the trail.
        job.reprints += 1
        action = "print_job.reprint"
    else:
        action = "print_job.pdf"
    audit.record(
        session, actor=actor, action=action, subject=f"print_job:{job.id}", detail={"card": card.id}
    )


def card_pdf(session: Session, job_id: str, *, actor: str) -> bytes:
    job = _job(session, job_id)
    card = _card(session, job)
    _release(session, job, card, actor=actor)
    return documents.render_cards(session, [card], layout="cards")


def batch_pdf(
    session: Session, job_ids: Sequence[str], layout: BatchLayout, *, actor: str
) -> bytes:
    found = repository.get_many(session, job_ids)
    missing = [job_id for job_id in job_ids if job_id not in found]
    if missing:
        raise PrintJobNotFound(f"{len(missing)} of the print jobs do not exist")
    # Checked all together first: a batch is released whole or not at all.
    batch = [(found[job_id], _card(session, found[job_id])) for job_id in job_ids]
    for job, card in batch:
        _release(session, job, card, actor=actor)
    return documents.render_cards(session, [card for _job, card in batch], layout=layout)


def mark_printed(session: Session, job_id: str, *, actor: str) -> PrintJobRead:
    """The card came out of the printer. A job is printed once; its card is activated once."""
    found = repository.get(session, job_id)
    if found is None:
        raise PrintJobNotFound("no print job has this id")
    # The card first, then the job: the order in which revoking a card takes them.
    card = cards_repository.get(session, found.card_id, for_update=True)
    assert card is not None  # a foreign key guarantees it
    job = _job(session, job_id)
    if job.status == PrintJobStatus.PRINTED:
        raise PrintJobAlreadyPrinted(f"print job {job.id} was already marked printed")
    if job.status == PrintJobStatus.CANCELLED:
        raise PrintJobCancelled(f"print job {job.id} was cancelled: its card was revoked")
    job.status = PrintJobStatus.PRINTED
    job.printed_at = utcnow()
    job.printed_by = actor
    job.attempts += 1
    audit.record(
        session,
        actor=actor,
        action="print_job.printed",
        subject=f"print_job:{job.id}",
        detail={"card": card.id, "kind": job.kind},
    )
    if job.kind == PrintJobKind.ISSUE and card.status == CardStatus.PENDING_PRINT:
        activate(session, card, actor=actor)
    session.flush()
    return PrintJobRead.of(job, card_number=card.number)


def mark_failed(session: Session, job_id: str, reason: str, *, actor: str) -> PrintJobRead:
    """The printer could not print it: the job stays queued for another attempt."""
    job = _job(session, job_id)
    if job.status == PrintJobStatus.PRINTED:
        raise PrintJobAlreadyPrinted(f"print job {job.id} was already marked printed")
    if job.status == PrintJobStatus.CANCELLED:
        raise PrintJobCancelled(f"print job {job.id} was cancelled: its card was revoked")
    job.attempts += 1
    job.last_failure = reason
    audit.record(
        session,
        actor=actor,
        action="print_job.failed",
        subject=f"print_job:{job.id}",
        detail={"fields": ["attempts", "last_failure"]},
    )
    session.flush()
    return PrintJobRead.of(job, card_number=_card(session, job).number)


def activate(session: Session, card: Card, *, actor: str) -> None:
    """The card came out of the printer: it is valid from now on."""
    card.status = CardStatus.ACTIVE
    card.activated_at = utcnow()
    audit.record(session, actor=actor, action="card.activate", subject=f"card:{card.id}")
    if card.replaces_card_id:
        # A renewal: one person, one valid card. (A replaced card was revoked already.)
        previous = cards_repository.get(session, card.replaces_card_id, for_update=True)
        if (
            previous is not None
            and effective_status(previous, utcnow().date()) == CardStatus.ACTIVE
        ):
            cards.withdraw(session, previous, "renewed", actor=actor)
    session.flush()


def reprint(session: Session, number: str, reason: str, *, actor: str) -> PrintJob:
    """Another copy of an active card (the first one misprinted or jammed): same number."""
    card = cards.find(session, number, for_update=True)
    state = effective_status(card, utcnow().date())
    if state != CardStatus.ACTIVE:
        raise _NOT_ACTIVE[state](f"card {grouped(card.number)} is {state.replace('_', ' ')}")
    if queue.queued_job(session, card) is not None:
        raise PrintJobOpen(f"card {grouped(card.number)} is already in the print queue")
    return queue.enqueue(session, card, actor=actor, kind=PrintJobKind.REPRINT, reason=reason)
