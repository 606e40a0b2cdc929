"""Correcting an applicant's record, and what the correction means for the person's card."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.applicants import service as applicants
from app.applicants.schemas import ApplicantCorrected, ApplicantUpdate
from app.cards.models import CardStatus
from app.cards.service import cards_of_applicant
from app.cards.validity import effective_status
from app.kit.types import utcnow

# What a card prints (and its QR signs) of the record: a change to one outdates the card.
PRINTED_FIELDS = frozenset({"given_name", "family_name", "date_of_birth"})


def _card_needs_replacement(session: Session, applicant_id: str, changed: list[str]) -> bool:
    if not PRINTED_FIELDS.intersection(changed):
        return False
    today = utcnow().date()
    return any(
        effective_status(card, today) == CardStatus.ACTIVE
        for card in cards_of_applicant(session, applicant_id)
    )


def correct(
    session: Session, applicant_id: str, body: ApplicantUpdate, *, actor: str
) -> ApplicantCorrected:
    """Change the fields sent (app.applicants.service.correct), and say whether an active card
    now shows a name or a date of birth that is no longer right."""
    record, changed = applicants.correct(session, applicant_id, body, actor=actor)
    return ApplicantCorrected(
        **record.model_dump(),
        card_needs_replacement=_card_needs_replacement(session, record.id, changed),
    )
