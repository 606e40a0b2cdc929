"""Renewing and replacing a card at the counter: the card's rules (app.cards.service), the fee
rule (app.approvals.fees), and the fee taken in cash into the clerk's branch drawer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.approvals.fees import fee_for
from app.cards import service as cards
from app.cards.models import Card
from app.cards.schemas import FeeWaiver
from app.config import settings
from app.kit.types import utcnow
from app.payments import fees as payment_fees


def replace(
    session: Session, number: str, reason: str, fee_waiver: FeeWaiver | None, *, actor: str
) -> Card:
    """A new card (new number, same expiry) for a lost, stolen or damaged one, which is revoked;
    the replacement fee is flat, whatever the age, unless waived."""
    old, holder = cards.replaceable(session, number)
    fee, waiver = fee_for(
        holder.date_of_birth, utcnow().date(), fee_waiver, flat=settings.replacement_fee_cents
    )
    card = cards.replace(session, old, holder, reason, fee=fee, waiver=waiver, actor=actor)
    payment_fees.take_in_cash(session, card, "replacement", actor=actor)
    return card


def renew(session: Session, number: str, fee_waiver: FeeWaiver | None, *, actor: str) -> Card:
    """A new card with a new validity; the old one stays valid until the new one is printed. The
    fee is the first card's, by the holder's age on the day the new validity starts."""
    old, holder, starts = cards.renewable(session, number)
    fee, waiver = fee_for(holder.date_of_birth, starts, fee_waiver)
    card = cards.renew(session, old, holder, starts, fee=fee, waiver=waiver, actor=actor)
    payment_fees.take_in_cash(session, card, "renewal", actor=actor)
    return card
