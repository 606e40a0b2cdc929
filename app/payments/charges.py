"""A merchant charges a card by its QR: the cardholder's stored value pays, the merchant's payable
account is credited, and the answer is the receipt."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.deps import Principal
from app.config import settings
from app.kit.types import new_id, utcnow
from app.payments import ledger
from app.payments.cardholders import accepted_card
from app.payments.days import city_day
from app.payments.errors import DailySpendLimitReached, InsufficientBalance
from app.payments.ledger import PAYABLE, STORED_VALUE, Leg
from app.payments.models import Charge, LedgerAccount
from app.payments.schemas import ChargeCreate, ChargeRead

# No 0/O or 1/I: a receipt number is read aloud over a counter.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def receipt_number() -> str:
    # Random rather than a counter: a counter would be one more row every sale locks.
    return "R" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(11))


def _refused(session: Session, account_id: str, amount: int, day: date) -> Exception:
    """Why a conditional debit found no row to update (read after the fact, for the message)."""
    account = ledger.get(session, account_id)
    balance = account.balance_cents or 0
    if balance < amount:
        return InsufficientBalance(
            f"the card's balance is too low for {amount} cents: load it at a city counter"
        )
    limit = settings.daily_spend_limit_cents
    spent = account.spent_cents if account.spent_on == day else 0
    return DailySpendLimitReached(
        f"this card may spend {limit} cents a day and has {max(limit - spent, 0)} left today",
        extra={"remaining_today_cents": max(limit - spent, 0)},
    )


def book_charge(
    session: Session,
    merchant: Principal,
    stored_value: LedgerAccount,
    payable: LedgerAccount,
    *,
    amount: int,
    purpose: str,
    reference: str,
    parking_session_id: str | None = None,
) -> ChargeRead:
    """Debit the stored value (402 when the balance or the day's limit will not cover it)."""
    now = utcnow()
    day = city_day(now)
    balance = ledger.spend(
        session, stored_value.id, amount, day=day, limit=settings.daily_spend_limit_cents
    )
    if balance is None:
        raise _refused(session, stored_value.id, amount, day)
    transfer, _ = ledger.post(
        session,
        "charge",
        [Leg(stored_value, "debit", amount, applied=True), Leg(payable, "credit", amount)],
        at=now,
    )
    charge = Charge(
        id=new_id(),
        transfer_id=transfer.id,
        merchant_id=merchant.id,
        account_id=stored_value.id,
        amount_cents=amount,
        shortfall_cents=0,
        refunded_cents=0,
        purpose=purpose,
        reference=reference,
        receipt_number=receipt_number(),
        parking_session_id=parking_session_id,
        at=now,
    )
    session.add(charge)
    session.flush()
    audit.record(
        session,
        actor=merchant.actor,
        action="payment.charge",
        subject=f"charge:{charge.id}",
        detail={"applicant": stored_value.owner, "transfer": transfer.id},
    )
    return receipt(charge, merchant.name, balance)


def receipt(charge: Charge, merchant_name: str, balance: int) -> ChargeRead:
    return ChargeRead(
        id=charge.id,
        receipt_number=charge.receipt_number,
        merchant_name=merchant_name,
        purpose=charge.purpose,
        reference=charge.reference,
        amount_cents=charge.amount_cents,
        balance_cents=balance,
        at=charge.at,
    )


def holder_accounts(
    session: Session, merchant: Principal, applicant_id: str
) -> tuple[LedgerAccount, LedgerAccount]:
    """The cardholder's stored value (402 when they never loaded any) and the merchant's payable."""
    payable = ledger.ensure(session, PAYABLE, merchant.id)
    stored_value = ledger.find(session, STORED_VALUE, applicant_id)
    if stored_value is None:
        raise InsufficientBalance("the card holds no stored value: load it at a city counter")
    return stored_value, payable


def charge(session: Session, merchant: Principal, body: ChargeCreate) -> ChargeRead:
    card = accepted_card(session, body.qr)
    stored_value, payable = holder_accounts(session, merchant, card.applicant_id)
    return book_charge(
        session,
        merchant,
        stored_value,
        payable,
        amount=body.amount_cents,
        purpose=body.purpose,
        reference=body.reference,
    )
