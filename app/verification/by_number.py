"""Verifying a card typed by hand: its number and the holder's date of birth, both needed.

A number alone would let anyone with a guessed number learn a name, so a wrong date of birth is
answered exactly as a number nobody holds: `invalid`, reason `unknown_card`. Both look the card
and its holder up in one query, so neither takes a different path through the database. The
answer has the shape of a scanned QR's, with the fields the QR would carry (claims_for), and is
counted like one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.applicants import repository as applicants
from app.applicants.models import Applicant
from app.auth.principal import Principal
from app.cards import numbers
from app.cards import repository as cards
from app.cards.credentials import claims_for
from app.cards.models import Card
from app.cards.validity import usable
from app.kit.types import utcnow
from app.verification import counts
from app.verification.models import Outcome
from app.verification.schemas import VerifyResult
from app.verification.service import outcome_of

UNKNOWN = VerifyResult(status=Outcome.INVALID, reason="unknown_card")


def _card_and_holder(session: Session, number: str) -> tuple[Card, Applicant] | None:
    card = cards.get_by_number(session, number)
    holder = None if card is None else applicants.get(session, card.applicant_id)
    return None if card is None or holder is None else (card, holder)


def check_number(session: Session, number: str, date_of_birth: date) -> VerifyResult:
    """The card's standing when the number and the date of birth agree; else `unknown_card`."""
    found = _card_and_holder(session, numbers.normalize(number))
    if found is None or found[1].date_of_birth != date_of_birth:
        return UNKNOWN
    card, holder = found
    claims = claims_for(card, holder)
    shown = VerifyResult(
        status=Outcome.VALID,
        given_name=claims.given_name or None,
        family_name=claims.family_name,
        date_of_birth=claims.date_of_birth,
        expires_on=card.expires_on,
    )
    # Judged as the QR check judges it (app.cards.validity).
    status, reason = outcome_of(usable(card, utcnow()))
    return shown.model_copy(update={"status": status, "reason": reason})


def verify_number_for_merchant(
    session: Session, merchant: Principal, number: str, date_of_birth: date
) -> VerifyResult:
    """Check a typed card for a merchant and count the outcome (only the count) for its day."""
    result = check_number(session, number, date_of_birth)
    if counts.pending.note(merchant.id, utcnow().date(), result.status):
        counts.fold(session)
    return result
