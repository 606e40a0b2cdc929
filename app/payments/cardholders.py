"""Finding the cardholder behind a card number or a presented QR."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.cards import numbers, repository
from app.cards.errors import CardNotFound
from app.cards.models import Card
from app.payments.errors import CardNotAccepted
from app.verification.service import CardCheck, check_card_qr


def card_by_number(session: Session, number: str) -> Card:
    """The card a clerk typed (spaces and dashes allowed)."""
    wanted = numbers.normalize(number)
    if not numbers.is_valid(wanted):
        raise CardNotFound(
            "this is not a card number (14 digits starting with 2, or 16 on older cards)"
        )
    card = repository.get_by_number(session, wanted)
    if card is None:
        raise CardNotFound("no card has this number")
    return card


def check_qr(session: Session, qr: str, *, now: datetime | None = None) -> CardCheck:
    """The card behind a QR as it stood at `now` (default: this moment)."""
    return check_card_qr(session, qr, now=now)


def accepted_card(session: Session, qr: str) -> Card:
    """The card whose QR was presented, if it is valid now: 403 when revoked, expired or forged."""
    check = check_card_qr(session, qr)
    if check.status != "valid" or check.card is None:
        raise CardNotAccepted(check.status, check.reason)
    return check.card
