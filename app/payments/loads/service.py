"""Loading cash onto a card at a branch counter: the branch's drawer takes the cash, the
cardholder's stored value grows by it, less what offline parking left owing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.cards.errors import CardExpired, CardRevoked
from app.cards.models import Card
from app.cards.service import find as find_card
from app.cards.validity import CardUse, usable
from app.config import settings
from app.kit.types import new_id, utcnow
from app.payments.errors import BalanceCapExceeded
from app.payments.ledger import accounts as ledger
from app.payments.ledger import shortfall
from app.payments.ledger.accounts import DEFAULT_BRANCH, Account, Leg
from app.payments.loads import repository
from app.payments.models import AccountKind, Load, Side, TransferKind
from app.payments.schemas import BalanceRead, LoadRead
from cards.numbers import grouped


def _balance_after(session: Session, stored_value: Account, amount: int) -> int:
    """The card's balance once `amount` is loaded and what offline parking left owing is paid
    back from it; 409 above the cap. Locks the stored value, then the shortfall."""
    cap = settings.balance_cap_cents
    balance = ledger.cached_balance(session, stored_value, lock=True)
    owed = shortfall.owed(session, stored_value.owner)
    after = balance + amount - min(owed, amount)
    if after > cap:
        # What is owed is paid back first, so it adds to the room; what is on the card takes
        # from it. (Never the cap alone: 20000 onto 2000 leaves room for 13000, not 15000.)
        room = max(cap - balance + owed, 0)
        raise BalanceCapExceeded(
            f"the card holds {balance} of at most {cap} cents: at most {room} more can be loaded",
            extra={"room_cents": room},
        )
    return after


def _refuse_unusable(card: Card) -> None:
    """A card on its way to the printer takes cash (the value is the holder's, not the card's);
    a revoked or expired one does not: the holder's current card does."""
    use = usable(card, utcnow())
    if use is CardUse.REVOKED:
        raise CardRevoked(f"card {grouped(card.number)} is revoked: load the holder's current card")
    if use is CardUse.EXPIRED:
        raise CardExpired(
            f"card {grouped(card.number)} has expired: renew it, then load the new card"
        )


def load(session: Session, clerk: Principal, number: str, amount: int) -> LoadRead:
    """Take `amount` cents of cash at the clerk's branch onto the card's holder."""
    card = find_card(session, number)
    _refuse_unusable(card)
    branch = clerk.branch or DEFAULT_BRANCH
    # Rows are made before any is locked, by kind then owner (the lock order in ledger/accounts.py).
    drawer = ledger.ensure(session, AccountKind.DRAWER, branch)
    stored_value = ledger.ensure(session, AccountKind.STORED_VALUE, card.applicant_id)
    after = _balance_after(session, stored_value, amount)
    now = utcnow()
    transfer_id, _ = ledger.post(
        session,
        TransferKind.LOAD,
        [Leg(drawer, Side.DEBIT, amount), Leg(stored_value, Side.CREDIT, amount)],
        at=now,
    )
    recovered = shortfall.recover_shortfall(session, stored_value, amount, at=now)
    record = Load(
        id=new_id(),
        transfer_id=transfer_id,
        account_id=stored_value.id,
        branch=branch,
        clerk_id=clerk.id,
        amount_cents=amount,
        recovered_cents=recovered,
        at=now,
    )
    repository.add(session, record)
    audit.record(
        session,
        actor=clerk.actor,
        action="payment.load",
        subject=f"load:{record.id}",
        detail={"card": card.id, "applicant": card.applicant_id, "transfer": transfer_id},
    )
    return LoadRead(
        id=record.id,
        amount_cents=amount,
        balance_cents=after,
        shortfall_recovered_cents=recovered,
        branch=branch,
        at=now,
    )


def balance(session: Session, reader: Principal, number: str) -> BalanceRead:
    """The stored value of the card's holder (every card they hold shares it)."""
    card = find_card(session, number)
    account = ledger.find(session, AccountKind.STORED_VALUE, card.applicant_id)
    audit.record(
        session,
        actor=reader.actor,
        action="payment.balance.read",
        subject=f"applicant:{card.applicant_id}",
        detail={"card": card.id},
    )
    return BalanceRead(
        balance_cents=0 if account is None else ledger.cached_balance(session, account)
    )


def balances(session: Session, reader: Principal, cards: Sequence[Card]) -> dict[str, int]:
    """`balance` of each card's holder, by applicant id, in one query (a search's results)."""
    held = ledger.cached_balances(
        session, AccountKind.STORED_VALUE, [card.applicant_id for card in cards]
    )
    for card in cards:
        audit.record(
            session,
            actor=reader.actor,
            action="payment.balance.read",
            subject=f"applicant:{card.applicant_id}",
            detail={"card": card.id},
        )
    return {card.applicant_id: held.get(card.applicant_id, 0) for card in cards}
