"""Giving back all or part of a charge, never more than remains: the merchant's payable is debited
and the cardholder's stored value credited (first paying back any offline-parking shortfall).

A refund may take a balance above the cap: it is the cardholder's own money coming back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.auth.roles import Role
from app.kit.types import new_id, utcnow
from app.payments import idempotency
from app.payments.charges import repository
from app.payments.errors import (
    ChargeNotFound,
    NotYourCharge,
    RefundExceedsCharge,
    RefundNotRefundable,
)
from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import Leg
from app.payments.ledger.shortfall import recover_shortfall
from app.payments.models import AccountKind, Charge, Refund, Side, TransferKind
from app.payments.schemas import RefundCreate, RefundRead


def _as_receipt(text: str) -> str:
    # As read off a receipt: any case, spaces or dashes between the characters.
    return text.upper().replace(" ", "").replace("-", "")


def _charge_for_refund(session: Session, charge_id: str) -> Charge:
    """The charge by its id or by the receipt number the customer holds."""
    charge = repository.charge_for_refund(session, charge_id, _as_receipt(charge_id))
    if charge is not None:
        return charge
    if repository.is_refund(session, charge_id):
        raise RefundNotRefundable("this is a refund, and a refund cannot be refunded")
    raise ChargeNotFound("no charge has this id or receipt number")


def _refundable(principal: Principal, charge: Charge, amount: int) -> int:
    """What remains refundable of the charge, if `principal` may refund `amount` of it."""
    if principal.role is Role.MERCHANT and charge.merchant_id != principal.id:
        raise NotYourCharge("only the merchant that made a charge may refund it")
    if principal.role is not Role.MERCHANT and principal.role is not Role.SUPERVISOR:
        raise NotYourCharge("only the merchant that charged or a supervisor may refund")
    remaining = charge.amount_cents - charge.refunded_cents
    if remaining == 0:
        raise RefundExceedsCharge(
            f"charge {charge.id} is already refunded in full", extra={"refundable_cents": 0}
        )
    if amount > remaining:
        raise RefundExceedsCharge(
            f"at most {remaining} cents of charge {charge.id} remain refundable",
            extra={"refundable_cents": remaining},
        )
    return remaining


def refund(session: Session, principal: Principal, charge_id: str, amount: int) -> RefundRead:
    """Refund `amount` cents of a charge, named by its id or its receipt number (the merchant
    that charged it, or a supervisor)."""
    charge = _charge_for_refund(session, charge_id)
    remaining = _refundable(principal, charge, amount)
    payable = ledger.find(session, AccountKind.PAYABLE, charge.merchant_id)
    assert payable is not None, "a charge credited this merchant's payable account"
    stored_value = ledger.by_id(session, charge.account_id)
    ledger.cached_balance(session, stored_value, lock=True)
    now = utcnow()
    transfer_id, balances = ledger.post(
        session,
        TransferKind.REFUND,
        [Leg(payable, Side.DEBIT, amount), Leg(stored_value, Side.CREDIT, amount)],
        at=now,
    )
    recovered = recover_shortfall(session, stored_value, amount, at=now)
    charge.refunded_cents += amount
    record = Refund(
        id=new_id(),
        charge_id=charge.id,
        transfer_id=transfer_id,
        merchant_id=charge.merchant_id,
        amount_cents=amount,
        refunded_by=principal.actor,
        at=now,
    )
    repository.add_refund(session, record)
    audit.record(
        session,
        actor=principal.actor,
        action="payment.refund",
        subject=f"refund:{record.id}",
        detail={"charge": charge.id, "applicant": stored_value.owner, "transfer": transfer_id},
    )
    return RefundRead(
        id=record.id,
        charge_id=charge.id,
        receipt_number=charge.receipt_number,
        amount_cents=amount,
        refundable_cents=remaining - amount,
        balance_cents=balances[stored_value.id] - recovered,
        at=now,
    )


def refund_once(
    session: Session, principal: Principal, key: str, charge_id: str, body: RefundCreate
) -> idempotency.Answer:
    """POST /v1/charges/{charge_id}/refunds and the merchant desk's refund: once per idempotency
    key (a retry gets the first answer)."""
    return idempotency.once(
        session,
        principal,
        key,
        route="POST /v1/charges/{charge_id}/refunds",
        params={"charge_id": charge_id},
        body=body,
        work=lambda: refund(session, principal, charge_id, body.amount_cents),
    )
