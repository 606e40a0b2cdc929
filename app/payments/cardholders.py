"""Finding the cardholder behind a presented QR (a typed number: `app.cards.service.find`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.cards.models import Card
from app.payments.errors import CardNotAccepted
from app.verification.models import Outcome
from app.verification.service import CardCheck, check_card_qr


def check_qr(session: Session, qr: str, *, now: datetime | None = None) -> CardCheck:
    """The card behind a QR as it stood at `now` (default: this moment)."""
    return check_card_qr(session, qr, now=now)


def accepted_card(session: Session, qr: str) -> Card:
    """The card whose QR was presented, if it is valid now: 403 when revoked, expired or forged."""
    check = check_card_qr(session, qr)
    if check.status != Outcome.VALID or check.card is None:
        raise CardNotAccepted(check.status, check.reason)
    return check.card
