"""Issuing card records and their lifecycle: pending_print -> active -> revoked, or expired.

Expiry is computed on read, never stored (app.cards.validity). Fees for a renewal or a
replacement are the counter's business (app.approvals): this module issues the card it is told
to, with the fee it is given.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.applicants import service as applicants
from app.applicants.models import Applicant
from app.audit import service as audit
from app.cards import numbers, repository
from app.cards.errors import (
    CardExpired,
    CardNotFound,
    CardNotPrinted,
    CardRevoked,
    CardSuperseded,
    OutsideRenewalWindow,
)
from app.cards.models import Card, CardStatus
from app.cards.printing import queue
from app.cards.printing.models import PrintJob
from app.cards.schemas import CardRead
from app.cards.validity import effective_status
from app.config import settings
from app.kit.dates import add_months, add_years, age_on
from app.kit.types import utcnow
from cards.numbers import grouped


def validity_end(date_of_birth: date, issued: date) -> date:
    adult = age_on(date_of_birth, issued) >= settings.validity_adult_from_age
    years = settings.validity_years_adult if adult else settings.validity_years_minor
    return add_years(issued, years)


def renewal_window(card: Card) -> tuple[date, date]:
    opens = card.expires_on - timedelta(days=settings.renewal_opens_days_before)
    return opens, add_months(card.expires_on, settings.renewal_closes_months_after)


def _free_number(session: Session) -> str:
    while True:
        number = numbers.new_card_number()
        if not repository.number_taken(session, number):
            return number


def _free_status_index(session: Session) -> int:
    # Random, so that a card's index says nothing about when it was issued or to whom.
    while True:
        index = secrets.randbelow(settings.status_list_size)
        if not repository.status_index_taken(session, settings.status_list_id, index):
            return index


def issue_card(
    session: Session,
    applicant: Applicant,
    *,
    actor: str,
    fee_cents: int,
    fee_waiver: str | None,
    replaces: Card | None = None,
    expires_on: date | None = None,
) -> Card:
    """A new card record, pending print, for an approved applicant, and its print job."""
    today = utcnow().date()
    card = Card(
        number=_free_number(session),
        applicant_id=applicant.id,
        status=CardStatus.PENDING_PRINT,
        expires_on=expires_on or validity_end(applicant.date_of_birth, today),
        fee_cents=fee_cents,
        fee_waiver=fee_waiver,
        replaces_card_id=replaces.id if replaces else None,
        status_list_id=settings.status_list_id,
        status_index=_free_status_index(session),
    )
    repository.add(session, card)
    audit.record(
        session,
        actor=actor,
        action="card.issue",
        subject=f"card:{card.id}",
        detail={"applicant": applicant.id},
    )
    queue.enqueue(session, card, actor=actor)
    return card


def find(session: Session, number: str, *, for_update: bool = False) -> Card:
    """The card with this number as people type it (404 for a mistyped or unknown number)."""
    wanted = numbers.normalize(number)
    if not numbers.is_valid(wanted):
        # Said plainly: a mistyped digit is the usual cause, and the check digit catches it.
        raise CardNotFound(
            "this is not a card number (14 digits starting with 2, or 16 on older cards, "
            "with a valid check digit)"
        )
    card = repository.get_by_number(session, wanted, for_update=for_update)
    if card is None:
        raise CardNotFound("no card has this number")
    return card


def read(session: Session, card: Card) -> CardRead:
    replaces = repository.get(session, card.replaces_card_id) if card.replaces_card_id else None
    replaced_by = repository.successor(session, card.id)
    return _read(card, replaces, replaced_by, queue.queued_job(session, card))


def read_many(session: Session, cards: Sequence[Card]) -> list[CardRead]:
    """`read` of each card, with the cards they replace, their successors and their queued print
    jobs looked up in one query each (a search's results list many people's cards)."""
    replaced = repository.by_ids(session, [c.replaces_card_id for c in cards if c.replaces_card_id])
    successors = repository.successors(session, [c.id for c in cards])
    jobs = queue.queued_jobs(session, cards)
    return [
        _read(
            card,
            replaced.get(card.replaces_card_id) if card.replaces_card_id else None,
            successors.get(card.id),
            jobs.get(card.id),
        )
        for card in cards
    ]


def _read(
    card: Card, replaces: Card | None, replaced_by: Card | None, job: PrintJob | None
) -> CardRead:
    opens, closes = renewal_window(card)
    return CardRead(
        number=card.number,
        number_grouped=grouped(card.number),
        status=effective_status(card, utcnow().date()),
        applicant_id=card.applicant_id,
        issued_at=card.issued_at,
        expires_on=card.expires_on,
        activated_at=card.activated_at,
        revoked_at=card.revoked_at,
        revoke_reason=card.revoke_reason,
        replaces=replaces.number if replaces else None,
        replaced_by=replaced_by.number if replaced_by else None,
        fee_cents=card.fee_cents,
        fee_waiver=card.fee_waiver,
        renewal_opens_on=opens,
        renewal_closes_on=closes,
        print_job_id=job.id if job else None,
    )


def cards_of_applicant(session: Session, applicant_id: str) -> list[Card]:
    """Every card issued to the applicant, newest first (404 when there is no such applicant)."""
    applicants.find(session, applicant_id)
    return repository.of_applicant(session, applicant_id)


def cards_of_applicants(session: Session, applicant_ids: Sequence[str]) -> dict[str, list[Card]]:
    """`cards_of_applicant` for people just found (so known to exist), by applicant id."""
    return repository.of_applicants(session, applicant_ids)


def get_card(session: Session, number: str, *, actor: str) -> Card:
    card = find(session, number)
    audit.record(session, actor=actor, action="card.read", subject=f"card:{card.id}")
    return card


def withdraw(session: Session, card: Card, reason: str, *, actor: str) -> None:
    """Revoke the card and cancel any print job it still has: it must never come out."""
    card.status = CardStatus.REVOKED
    card.revoked_at = utcnow()
    card.revoke_reason = reason
    queue.cancel_queued(session, card, actor=actor)
    # The reason stays on the card, not in the permanent trail: "stolen" can reveal that a
    # person was a victim of a crime, which the city treats as confidential.
    audit.record(
        session,
        actor=actor,
        action="card.revoke",
        subject=f"card:{card.id}",
        detail={"fields": ["status", "revoked_at", "revoke_reason"]},
    )
    session.flush()


def revoke(session: Session, number: str, reason: str, *, actor: str) -> Card:
    card = find(session, number, for_update=True)
    if card.status == CardStatus.REVOKED:
        raise CardRevoked(f"card {grouped(card.number)} is already revoked")
    withdraw(session, card, reason, actor=actor)
    return card


def _refuse_if_superseded(session: Session, card: Card) -> None:
    newer = repository.successor(session, card.id)
    if newer is not None and newer.status != CardStatus.REVOKED:
        raise CardSuperseded(
            f"card {grouped(newer.number)} already replaces card "
            f"{grouped(card.number)}: act on that one"
        )


def replaceable(session: Session, number: str) -> tuple[Card, Applicant]:
    """The card to replace, locked, and its holder; refused unless it is active and current."""
    old = find(session, number, for_update=True)
    state = effective_status(old, utcnow().date())
    if state == CardStatus.REVOKED:
        raise CardRevoked(f"card {grouped(old.number)} is revoked: replace its successor")
    if state == CardStatus.EXPIRED:
        raise CardExpired(f"card {grouped(old.number)} has expired: renew it instead")
    if state == CardStatus.PENDING_PRINT:
        raise CardNotPrinted(f"card {grouped(old.number)} has not been printed yet")
    _refuse_if_superseded(session, old)
    return old, applicants.find(session, old.applicant_id)


def replace(
    session: Session,
    old: Card,
    holder: Applicant,
    reason: str,
    *,
    fee: int,
    waiver: str | None,
    actor: str,
) -> Card:
    """A new card (new number, same expiry) for a lost, stolen or damaged one, which is revoked."""
    withdraw(session, old, reason, actor=actor)
    return issue_card(
        session,
        holder,
        actor=actor,
        fee_cents=fee,
        fee_waiver=waiver,
        replaces=old,
        expires_on=old.expires_on,
    )


def renewable(session: Session, number: str) -> tuple[Card, Applicant, date]:
    """The card to renew, locked, its holder and the day the new validity starts; refused
    outside the renewal window."""
    old = find(session, number, for_update=True)
    today = utcnow().date()
    if old.status == CardStatus.REVOKED:
        raise CardRevoked(f"card {grouped(old.number)} is revoked and cannot be renewed")
    if old.status == CardStatus.PENDING_PRINT:
        raise CardNotPrinted(f"card {grouped(old.number)} has not been printed yet")
    opens, closes = renewal_window(old)
    if not opens <= today <= closes:
        raise OutsideRenewalWindow(grouped(old.number), opens, closes)
    _refuse_if_superseded(session, old)
    # Renewing early costs nothing: the new validity runs from the old card's expiry.
    return old, applicants.find(session, old.applicant_id), max(today, old.expires_on)


def renew(
    session: Session,
    old: Card,
    holder: Applicant,
    starts: date,
    *,
    fee: int,
    waiver: str | None,
    actor: str,
) -> Card:
    """A new card with a new validity; the old one stays valid until the new one is printed."""
    return issue_card(
        session,
        holder,
        actor=actor,
        fee_cents=fee,
        fee_waiver=waiver,
        replaces=old,
        expires_on=validity_end(holder.date_of_birth, starts),
    )
