"""A person's cards as the counter lists them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.cards.schemas import CardList, CardSummary
from app.cards.service import cards_of_applicant
from app.cards.validity import effective_status
from app.kit.types import utcnow
from cards.numbers import grouped


def applicant_cards(session: Session, applicant_id: str, *, actor: str) -> CardList:
    """The counter's list of a person's cards; the read is written to the audit trail."""
    cards = cards_of_applicant(session, applicant_id)
    audit.record(
        session, actor=actor, action="applicant.cards.read", subject=f"applicant:{applicant_id}"
    )
    today = utcnow().date()
    numbers_by_id = {card.id: card.number for card in cards}
    return CardList(
        items=[
            CardSummary(
                number=card.number,
                number_grouped=grouped(card.number),
                status=effective_status(card, today),
                issued_at=card.issued_at,
                expires_on=card.expires_on,
                activated_at=card.activated_at,
                replaces=numbers_by_id.get(card.replaces_card_id or ""),
            )
            for card in cards
        ]
    )
