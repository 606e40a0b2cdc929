"""Issuing card records. Lifecycle rules (revoke, replace, renew) live here too."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.audit import service as audit
from app.cards import numbers, repository
from app.cards.models import Card
from app.config import settings
from app.kit.types import utcnow


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def validity_end(date_of_birth: date, issued: date) -> date:
    adult = age_on(date_of_birth, issued) >= settings.validity_adult_from_age
    years = settings.validity_years_adult if adult else settings.validity_years_minor
    return add_years(issued, years)


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
) -> Card:
    """A new card record, pending print, for an approved applicant."""
    today = utcnow().date()
    card = Card(
        number=_free_number(session),
        applicant_id=applicant.id,
        status="pending_print",
        expires_on=validity_end(applicant.date_of_birth, today),
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
    return card
