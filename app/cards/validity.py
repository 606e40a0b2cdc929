"""Whether a card can be used, judged in one place for verification, payments and the counter.

Expiry is computed, never stored: a card whose `expires_on` has passed is expired while its row
keeps the status it had (pending_print or active). Nothing has to run at midnight for a card to
expire, and the revocation list (built from status == revoked) stays the list of cards someone
actually withdrew.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from app.cards.models import Card, CardStatus


class CardState(Protocol):
    """What usability is judged from: a Card row, or the hot path's read of those columns."""

    @property
    def status(self) -> CardStatus: ...
    @property
    def expires_on(self) -> date: ...
    @property
    def activated_at(self) -> datetime | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...


class CardUse(StrEnum):
    """Whether a card may be used, and if not, why: the words verification answers with."""

    USABLE = "usable"
    EXPIRED = "expired"
    REVOKED = "revoked"
    # Never handed to anyone (still pending print, or revoked before it was printed): its QR can
    # only come from a misprint, a test sheet or a copy.
    NOT_ISSUED = "not_issued"


def usable(card: CardState, now: datetime) -> CardUse:
    """The card as it stood at `now` (an offline charge uploaded later is judged at the moment
    it was made, so a card revoked since was still good then). In the order the offline
    verifier checks: expired first, then revoked, then never issued."""
    if now.date() > card.expires_on:
        return CardUse.EXPIRED
    if card.status == CardStatus.REVOKED and (card.revoked_at is None or card.revoked_at <= now):
        return CardUse.REVOKED
    if card.status == CardStatus.PENDING_PRINT or card.activated_at is None:
        return CardUse.NOT_ISSUED
    return CardUse.USABLE


def effective_status(card: Card, today: date) -> CardStatus:
    """The status the counter reads: the stored one, or `expired` once `expires_on` has passed
    (a revoked card stays revoked)."""
    if card.status == CardStatus.REVOKED:
        return CardStatus.REVOKED
    if today > card.expires_on:
        return CardStatus.EXPIRED
    return CardStatus.ACTIVE if card.status == CardStatus.ACTIVE else CardStatus.PENDING_PRINT
