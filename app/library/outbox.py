"""Writing a fine payment into the outbox, in the charge's own transaction, and recording what
became of each send. Only flushes: the caller's transaction commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.cards.models import Card
from app.config import settings
from app.library import connection, repository
from app.library.barcode import library_barcode
from app.library.models import LibraryPayment, LibraryPaymentStatus
from app.library.protocol import FeePaidAnswer
from app.payments.schemas import ChargeRead

ANSWER, LOOKUP = "answer", "lookup"


def enqueue(
    session: Session, merchant_id: str, charge: ChargeRead, card: Card, fee_id: str
) -> LibraryPayment:
    """Queue the Fee Paid for a charge that names a library fee (409 while SIP2 is off: the
    library would never hear of it)."""
    connection.require_connected()
    payment = LibraryPayment(
        charge_id=charge.id,
        receipt_number=charge.receipt_number,
        merchant_id=merchant_id,
        patron_barcode=library_barcode(card),
        fee_id=fee_id,
        amount_cents=charge.amount_cents,
        created_at=charge.at,
        next_attempt_at=charge.at,
    )
    repository.add(session, payment)
    return payment


def backoff(failures: int) -> timedelta:
    seconds = settings.sip2_worker_interval_seconds * 2 ** min(failures, 30)
    return timedelta(seconds=min(seconds, settings.sip2_backoff_max_seconds))


def failed(payment: LibraryPayment, reason: str, *, now: datetime, after_send: bool) -> None:
    """The library could not be reached or did not answer: try again later. After a send whose
    answer never came, not before the lease is over, so a slow library has finished by then."""
    payment.failures += 1
    delay = backoff(payment.failures)
    if after_send:
        delay = max(delay, timedelta(seconds=connection.lease_seconds()))
    payment.next_attempt_at = now + delay
    payment.last_error = reason[:200]


def answered(payment: LibraryPayment, answer: FeePaidAnswer, *, now: datetime) -> None:
    payment.answers += 1
    payment.status = (
        LibraryPaymentStatus.ACCEPTED if answer.accepted else LibraryPaymentStatus.REFUSED
    )
    payment.settled_by = ANSWER
    payment.screen_message = answer.screen_message[:255] or None
    payment.answered_at = now
    payment.last_error = None


def found_paid(payment: LibraryPayment, *, now: datetime) -> None:
    """An earlier send's answer was lost, and the library's own record shows the fee paid."""
    payment.status = LibraryPaymentStatus.ACCEPTED
    payment.settled_by = LOOKUP
    payment.answered_at = now
    payment.last_error = None


def booked(before_cents: int, outstanding_cents: int, amount_cents: int) -> bool:
    """Did the library book our payment, judging by the fee's outstanding amount? Only when it
    was listed before we sent (before > 0): a fee the library never listed tells us nothing."""
    return before_cents > 0 and outstanding_cents <= before_cents - amount_cents


def retry(payment: LibraryPayment, *, now: datetime) -> None:
    """Staff fixed what made the library refuse: send it again (same transaction id)."""
    payment.status = LibraryPaymentStatus.PENDING
    payment.failures = 0
    payment.next_attempt_at = now
    payment.settled_by = None
