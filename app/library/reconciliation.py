"""The daily reconciliation: our library-fine charges against the library system's answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.library import repository
from app.library.models import LibraryPayment, LibraryPaymentStatus
from app.library.schemas import (
    CountAndCents,
    LibraryPaymentRead,
    ReconciliationRead,
    ReconciliationTotals,
    RefundToReverse,
)
from app.payments.charges import repository as charges
from app.payments.models import ChargePurpose


def _reads(session: Session, payments: list[LibraryPayment]) -> list[LibraryPaymentRead]:
    refunded = charges.refunded_cents(session, [p.charge_id for p in payments])
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


def _refused_waiting(session: Session) -> list[LibraryPayment]:
    """Refused payments whose charge has not been refunded in full: staff must act on them."""
    refused = repository.refused(session)
    in_full = charges.refunded_in_full(session, [p.charge_id for p in refused])
    return [p for p in refused if p.charge_id not in in_full]


def _refunds_to_reverse(session: Session, start: datetime, end: datetime) -> list[RefundToReverse]:
    """Refunds booked in the period of fine payments the library accepted: SIP2 cannot undo a
    payment, so its staff re-open the fine by hand."""
    refunds = charges.refunds_of_purpose(session, ChargePurpose.LIBRARY_FINE, start, end)
    accepted = repository.accepted_by_charge(session, [r.charge_id for r in refunds if r.charge_id])
    return [
        RefundToReverse(
            refund_id=refund.id,
            charge_id=payment.charge_id,
            receipt_number=payment.receipt_number,
            patron_barcode=payment.patron_barcode,
            fee_id=payment.fee_id,
            amount_cents=refund.amount_cents,
            at=refund.at,
        )
        for refund in refunds
        if refund.charge_id and (payment := accepted.get(refund.charge_id))
    ]


def _total(payments: list[LibraryPayment]) -> CountAndCents:
    return CountAndCents(count=len(payments), cents=sum(p.amount_cents for p in payments))


def report(session: Session, day: date | None = None) -> ReconciliationRead:
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    payments = repository.in_period(session, start, end)
    return ReconciliationRead(
        date=day,
        timezone=settings.city_timezone,
        totals=ReconciliationTotals(
            sent=_total([p for p in payments if p.sends > 0]),
            accepted=_total([p for p in payments if p.status == LibraryPaymentStatus.ACCEPTED]),
            refused=_total([p for p in payments if p.status == LibraryPaymentStatus.REFUSED]),
            pending=_total([p for p in payments if p.status == LibraryPaymentStatus.PENDING]),
        ),
        payments=_reads(session, payments),
        refused_waiting=_reads(session, _refused_waiting(session)),
        sent_more_than_once=_reads(session, repository.sent_more_than_once(session, start, end)),
        refunds_to_reverse=_refunds_to_reverse(session, start, end),
    )
