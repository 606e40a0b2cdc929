"""A card's signed QR text: the Claim 169 credential built from the card and its holder; and
the holder's details as both the credential and the printed card take them."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from app.applicants import repository as applicants
from app.applicants.models import Applicant
from app.cards.models import Card
from app.config import settings
from app.keys import service as keys
from app.kit.errors import NotFound
from cards.credential import CardClaims, Gender, issue_qr

# The self-designated genders a card carries; anything else (none chosen) is left off.
_GENDERS: dict[str, Gender] = {"F": "F", "M": "M", "X": "X"}


def status_list_uri(list_id: str) -> str:
    # Short on purpose: every byte of the URI is QR space that long names need.
    return f"{settings.public_base_url}/v1/status-lists/{list_id}"


def holder_gender(holder: Applicant) -> Gender | None:
    """The gender the card shows and signs: only one the holder chose (F, M or X)."""
    return _GENDERS.get(holder.gender or "")


def claims_for(card: Card, holder: Applicant) -> CardClaims:
    return CardClaims(
        card_number=card.number,
        # A mononym has no given name: the credential then carries no first-name claim.
        given_name=holder.given_name,
        family_name=holder.family_name,
        date_of_birth=holder.date_of_birth,
        gender=holder_gender(holder),
        issuer=settings.issuer,
        issued_at=card.issued_at,
        # Valid through the last day printed on the card.
        expires_at=datetime.combine(card.expires_on, time(23, 59, 59), tzinfo=UTC),
        status_list_uri=status_list_uri(card.status_list_id),
        status_index=card.status_index,
    )


def qr_text_for(session: Session, card: Card) -> str:
    """Sign the card's credential with the current key (and keep that key published for it)."""
    holder = applicants.get(session, card.applicant_id)
    if holder is None:
        raise NotFound("the card's holder record is gone")
    key = keys.current_signing_key(session)
    keys.note_signed(session, key, card.expires_on)
    return issue_qr(claims_for(card, holder), key)
