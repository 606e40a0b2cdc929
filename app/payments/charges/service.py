"""A merchant charges a card by its QR: the cardholder's stored value pays, the merchant's payable
account is credited, and the answer is the receipt."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day
from app.kit.types import new_id, utcnow
from app.payments import idempotency
from app.payments.cardholders import accepted_card
from app.payments.charges import fines, repository
from app.payments.errors import (
    CardNotAccepted,
    DailySpendLimitReached,
    InsufficientBalance,
    PaymentRequired,
)
from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import Account, Leg
from app.payments.models import AccountKind, ChargePurpose, Side, TransferKind
from app.payments.schemas import ChargeCreate, ChargeRead
from app.verification import service as verification
from app.verification.models import Outcome

# No 0/O or 1/I: a receipt number is read aloud over a counter.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def receipt_number() -> str:
    # Random rather than a counter: a counter would be one more row every sale locks.
    return "R" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(11))


def _refused(session: Session, account: Account, amount: int, day: date) -> Exception:
    """Why a conditional debit found no row to update (read after the fact, for the message)."""
    if ledger.cached_balance(session, account) < amount:
        return InsufficientBalance(
            f"the card's balance is too low for {amount} cents: load it at a city counter"
        )
    limit = settings.daily_spend_limit_cents
    left = max(limit - ledger.spent_today(session, account, day), 0)
    return DailySpendLimitReached(
        f"this card may spend {limit} cents a day and has {left} left today",
        extra={"remaining_today_cents": left},
    )


def book_charge(
    session: Session,
    merchant: Principal,
    stored_value: Account,
    payable: Account,
    *,
    amount: int,
    purpose: ChargePurpose,
    reference: str,
    parking_session_id: str | None = None,
) -> ChargeRead:
    """Debit the stored value (402 when the balance or the day's limit will not cover it)."""
    now = utcnow()
    transfer_id = _transfer(session, stored_value, payable, amount, now)
    charge = ChargeRead(
        id=new_id(),
        receipt_number=receipt_number(),
        merchant_name=merchant.name,
        purpose=purpose,
        reference=reference,
        amount_cents=amount,
        balance_cents=0,  # what the debit below leaves
        at=now,
    )
    repository.insert_charge(
        session,
        id=charge.id,
        transfer_id=transfer_id,
        merchant_id=merchant.id,
        account_id=stored_value.id,
        amount=amount,
        purpose=purpose,
        reference=reference,
        receipt_number=charge.receipt_number,
        parking_session_id=parking_session_id,
        at=now,
    )
    charge.balance_cents = _debit(session, stored_value, amount, city_day(now))
    audit.record(
        session,
        actor=merchant.actor,
        action="payment.charge",
        subject=f"charge:{charge.id}",
        detail={"applicant": stored_value.owner, "transfer": transfer_id},
    )
    return charge


def _transfer(
    session: Session, stored_value: Account, payable: Account, amount: int, now: datetime
) -> str:
    """The charge's transfer, its debit already applied by `_debit` below.

    The card's row is locked last, by that debit, so it is held only for the moments before
    commit: the rows written first merely reference it, which takes no lock a debit waits on.
    A refused debit rolls them back with everything else."""
    legs = [Leg(stored_value, Side.DEBIT, amount, applied=True), Leg(payable, Side.CREDIT, amount)]
    transfer_id, _ = ledger.post(session, TransferKind.CHARGE, legs, at=now)
    return transfer_id


def _debit(session: Session, stored_value: Account, amount: int, day: date) -> int:
    """Take the charge from the card's cached balance and the day's allowance: the new balance,
    or why not (402)."""
    limit = settings.daily_spend_limit_cents
    balance = ledger.spend(session, stored_value.id, amount, day=day, limit=limit)
    if balance is None:
        raise _refused(session, stored_value, amount, day)
    return balance


def holder_accounts(
    session: Session, merchant: Principal, applicant_id: str
) -> tuple[Account, Account]:
    """The cardholder's stored value (402 when they never loaded any) and the merchant's payable,
    in one query (the payable is made on the merchant's first charge)."""
    found = ledger.find_pair(
        session, (AccountKind.PAYABLE, merchant.id), (AccountKind.STORED_VALUE, applicant_id)
    )
    stored_value = found.get((AccountKind.STORED_VALUE, applicant_id))
    if stored_value is None:
        raise InsufficientBalance("the card holds no stored value: load it at a city counter")
    payable = found.get((AccountKind.PAYABLE, merchant.id)) or ledger.ensure(
        session, AccountKind.PAYABLE, merchant.id
    )
    return stored_value, payable


def charge(session: Session, merchant: Principal, body: ChargeCreate) -> ChargeRead:
    card = accepted_card(session, body.qr)
    stored_value, payable = holder_accounts(session, merchant, card.applicant_id)
    receipt = book_charge(
        session,
        merchant,
        stored_value,
        payable,
        amount=body.amount_cents,
        purpose=ChargePurpose(body.purpose),
        reference=body.reference,
    )
    if body.library_fee_id is not None:
        fines.fine_paid(session, merchant, receipt, card, body.library_fee_id)
    return receipt


def charge_once(
    session: Session, merchant: Principal, key: str, body: ChargeCreate
) -> idempotency.Answer:
    """POST /v1/charges and the merchant desk's charge: once per idempotency key (a retry gets
    the first answer). A refused charge counts as a verification and takes from the same rate
    limit, so charging cannot be used to verify past the limit."""
    verification.check_rate(session, merchant)
    try:
        return idempotency.once(
            session,
            merchant,
            key,
            route="POST /v1/charges",
            params={},
            body=body,
            work=lambda: charge(session, merchant, body),
        )
    except CardNotAccepted as exc:
        verification.count_refused_charge(session, merchant, exc.card_status)
        raise
    except PaymentRequired:
        # A valid card without the balance or the day's allowance for this amount.
        verification.count_refused_charge(session, merchant, Outcome.VALID)
        raise
