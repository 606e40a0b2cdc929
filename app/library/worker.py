"""The outbox worker: sends each queued Fee Paid (37) until the library answers.

Each step is its own short transaction, and none is open while we wait on the library (on
SQLite every transaction holds the write lock). A payment is claimed with a lease; its send is
counted before the bytes go out. When an earlier send's answer was lost (a timeout, a crash),
the worker first asks the library for the patron's fees (63): if the fee's outstanding amount
dropped by ours, the library booked it and nothing is sent again; otherwise it is sent again
with the same transaction id (BK).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.config import settings
from app.db import session_factory
from app.kit.types import utcnow
from app.library import connection, outbox, repository
from app.library.errors import LibraryUnavailable
from app.library.models import LibraryPayment
from app.library.protocol import FeePayment, LibrarySystem

log = logging.getLogger("resident_id.library")

BATCH = 100


@dataclass
class Round:
    """What one pass over the due payments did."""

    accepted: int = 0
    refused: int = 0
    found_paid: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.accepted + self.refused + self.found_paid + self.failed


@contextmanager
def _step() -> Iterator[Session]:
    with session_factory()() as session, session.begin():
        yield session


def _outstanding(system: LibrarySystem, payment: LibraryPayment) -> int:
    fines = system.patron_fines(payment.patron_barcode)
    return sum(f.amount_cents for f in fines.fines if f.fee_id == payment.fee_id)


def _send_one(system: LibrarySystem, payment_id: str, tally: Round) -> None:
    now = utcnow()
    with _step() as session:
        payment = repository.claim(
            session, payment_id, now, now + timedelta(seconds=connection.lease_seconds())
        )
        if payment is None:
            return  # another worker has it
        session.expunge(payment)
    sent = False
    try:
        if payment.outstanding_before_cents is None:
            outstanding = _outstanding(system, payment)
            with _step() as session:
                row = _row(session, payment_id)
                row.outstanding_before_cents = outstanding
            payment.outstanding_before_cents = outstanding
        elif payment.sends > payment.answers:
            outstanding = _outstanding(system, payment)
            if outstanding_was_booked(payment, outstanding):
                with _step() as session:
                    outbox.found_paid(_row(session, payment_id), now=utcnow())
                tally.found_paid += 1
                return
        with _step() as session:
            _row(session, payment_id).sends += 1
        sent = True
        answer = system.pay_fee(
            FeePayment(
                patron=payment.patron_barcode,
                fee_id=payment.fee_id,
                amount_cents=payment.amount_cents,
                transaction_id=payment.receipt_number,
            )
        )
    except LibraryUnavailable as error:
        with _step() as session:
            outbox.failed(_row(session, payment_id), error.detail, now=utcnow(), after_send=sent)
        tally.failed += 1
        return
    with _step() as session:
        outbox.answered(_row(session, payment_id), answer, now=utcnow())
    if answer.accepted:
        tally.accepted += 1
    else:
        tally.refused += 1


def outstanding_was_booked(payment: LibraryPayment, outstanding: int) -> bool:
    before = payment.outstanding_before_cents
    return before is not None and outbox.booked(before, outstanding, payment.amount_cents)


def _row(session: Session, payment_id: str) -> LibraryPayment:
    row = repository.get(session, payment_id)
    assert row is not None, "outbox rows are never deleted"
    return row


def send_due(system: LibrarySystem) -> Round:
    """One pass: every payment due now, oldest first."""
    tally = Round()
    with _step() as session:
        due = repository.due(session, utcnow(), BATCH)
    for payment_id in due:
        _send_one(system, payment_id, tally)
    return tally


def run(stop: threading.Event, connect: Callable[[], LibrarySystem]) -> None:
    """Pass after pass until `stop` is set; a pass that fails for a reason of ours is logged
    (type only: no patron data in logs) and the next pass tries again."""
    system = connect()
    try:
        while not stop.is_set():
            try:
                tally = send_due(system)
                if tally.total:
                    log.info("library outbox: %s", tally)
            except Exception as error:  # the loop must outlive one bad pass
                log.error("library outbox pass failed: %s", type(error).__name__)
            stop.wait(settings.sip2_worker_interval_seconds)
    finally:
        system.close()


@contextmanager
def in_server() -> Iterator[None]:
    """Run the worker beside the API when SIP2 is configured (and not turned off for this server
    because `resident-id library worker` runs elsewhere)."""
    if not (connection.connected() and settings.sip2_worker_in_server):
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=run, args=(stop, connection.library_system), name="library-outbox", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=settings.sip2_connect_timeout_seconds)
