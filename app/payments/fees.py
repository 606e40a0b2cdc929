"""Card fees paid in cash at the counter: the branch's drawer takes the cash (debit) and the
city's fee revenue earns it (credit), so the drawer reconciles with the fees clerks took.
A waiver books nothing: no cash changed hands."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository as users
from app.auth.models import User
from app.cards.models import Card
from app.kit.types import new_id, utcnow
from app.payments import repository
from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import CITY, DEFAULT_BRANCH, Leg
from app.payments.models import AccountKind, Fee, Side, TransferKind

FeeKind = Literal["card", "replacement", "renewal"]
FeePaid = Literal["cash", "waived"]


def paid_how(fee_cents: int) -> FeePaid:
    return "cash" if fee_cents > 0 else "waived"


def _staff(session: Session, actor: str) -> User:
    user = users.get(session, actor.removeprefix("user:")) if actor.startswith("user:") else None
    if user is None:
        raise ValueError(f"only a staff account takes fees, not {actor!r}")
    return user


def take_in_cash(session: Session, card: Card, kind: FeeKind, *, actor: str) -> Fee | None:
    """Book the card's fee, taken in cash by `actor`, into their branch's drawer; None (nothing
    booked) when the card carries no fee."""
    if card.fee_cents <= 0:
        return None
    clerk = _staff(session, actor)
    branch = clerk.branch or DEFAULT_BRANCH
    # Accounts are made by kind, then owner (the lock order in ledger/accounts.py): drawer,
    # fee_revenue.
    drawer = ledger.ensure(session, AccountKind.DRAWER, branch)
    revenue = ledger.ensure(session, AccountKind.FEE_REVENUE, CITY)
    now = utcnow()
    transfer_id, _ = ledger.post(
        session,
        TransferKind.FEE,
        [Leg(drawer, Side.DEBIT, card.fee_cents), Leg(revenue, Side.CREDIT, card.fee_cents)],
        at=now,
    )
    fee = Fee(
        id=new_id(),
        transfer_id=transfer_id,
        card_id=card.id,
        kind=kind,
        branch=branch,
        clerk_id=clerk.id,
        amount_cents=card.fee_cents,
        at=now,
    )
    repository.add_fee(session, fee)
    audit.record(
        session,
        actor=actor,
        action="payment.fee",
        subject=f"fee:{fee.id}",
        detail={"card": card.id, "kind": kind, "transfer": transfer_id},
    )
    return fee
