"""The daily reconciliation: our library-fine charges against the library system's answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.library import repository
from app.library.models import ACCEPTED, PENDING, REFUSED, LibraryPayment
from app.library.schemas import (
    CountAndCents,
    LibraryPaymentRead,
    ReconciliationRead,
    ReconciliationTotals,
    RefundToReverse,
)


def _reads(session: Session, payments: list[LibraryPayment]) -> list[LibraryPaymentRead]:
    refunded = repository.refunded_cents(session, [p.charge_id for p in payments])
    return [
        LibraryPaymentRead.model_validate(
            {
                **{c: getattr(p, c) for c in LibraryPaymentRead.model_fields if hasattr(p, c)},
                "refunded_cents": refunded.get(p.charge_id, 0),
            }
        )
        for p in payments
    ]


def read_one(session: Session, payment: LibraryPayment) -> LibraryPaymentRead:
    return _reads(session, [payment])[0]


def _total(payments: list[LibraryPayment]) -> CountAndCents:
    return CountAndCents(count=len(payments), cents=sum(p.amount_cents for p in payments))


def report(session: Session, day: date | None = None) -> ReconciliationRead:
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    payments = repository.in_period(session, start, end)
    refunds = [
        RefundToReverse(
            refund_id=refund.id,
            charge_id=payment.charge_id,
            receipt_number=payment.receipt_number,
            patron_barcode=payment.patron_barcode,
            fee_id=payment.fee_id,
            amount_cents=refund.amount_cents,
            at=refund.at,
        )
        for refund, payment in repository.refunds_to_reverse(session, start, end)
    ]
    return ReconciliationRead(
        date=day,
        timezone=settings.city_timezone,
        totals=ReconciliationTotals(
            sent=_total([p for p in payments if p.sends > 0]),
            accepted=_total([p for p in payments if p.status == ACCEPTED]),
            refused=_total([p for p in payments if p.status == REFUSED]),
            pending=_total([p for p in payments if p.status == PENDING]),
        ),
        payments=_reads(session, payments),
        refused_waiting=_reads(session, repository.refused_waiting(session)),
        sent_more_than_once=_reads(session, repository.sent_more_than_once(session, start, end)),
        refunds_to_reverse=refunds,
    )
