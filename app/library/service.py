"""The library desk's work: looking up a patron's fines, paying chosen fines from the card,
and staff sending a refused payment again. Services only flush; the request commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.cards.models import Card
from app.cards.service import find as find_card
from app.kit.types import utcnow
from app.library import connection, outbox, repository
from app.library.barcode import library_barcode
from app.library.errors import (
    LibraryPaymentNotFound,
    LibraryPaymentNotRefused,
    NotALibrary,
    PatronNotKnown,
)
from app.library.models import LibraryPayment, LibraryPaymentStatus
from app.library.protocol import PatronFines
from app.library.schemas import (
    FineChargeRead,
    FineRead,
    FinesPage,
    FinesPaymentCreate,
    FinesPaymentRead,
)
from app.merchants import repository as merchants
from app.payments.cardholders import accepted_card
from app.payments.charges import service as charges
from app.payments.models import ChargePurpose
from app.payments.schemas import ChargeRead

LIBRARY = "library"


def require_library_desk(session: Session, merchant: Principal) -> None:
    """Fines are the library's business: only a merchant of the library category asks or pays them."""
    row = merchants.get(session, merchant.id)
    if row is None or row.category != LIBRARY:
        raise NotALibrary("only a library's desk may look up or pay library fines")


def patron_of(session: Session, merchant: Principal, number: str) -> str:
    """The library barcode of the card a desk typed or scanned (404 when no such card)."""
    require_library_desk(session, merchant)
    connection.require_connected()
    return library_barcode(find_card(session, number))


def fines_page(patron: str, answer: PatronFines) -> FinesPage:
    if not answer.known:
        raise PatronNotKnown("the library's system has no patron with this card's barcode")
    return FinesPage(
        items=[
            FineRead(fee_id=f.fee_id, amount_cents=f.amount_cents, description=f.description)
            for f in answer.fines
        ]
    )


def ask_fines(patron: str) -> FinesPage:
    """Patron Information (63) with fine items; no database transaction is open meanwhile."""
    system = connection.library_system()
    try:
        return fines_page(patron, system.patron_fines(patron))
    finally:
        system.close()


def queue_fee_paid(
    session: Session, merchant: Principal, charge: ChargeRead, card: Card, fee_id: str
) -> None:
    """The one call a library-fine charge makes: its Fee Paid joins the outbox in its transaction."""
    require_library_desk(session, merchant)
    outbox.enqueue(session, merchant.id, charge, card, fee_id)


def pay_fines(session: Session, merchant: Principal, body: FinesPaymentCreate) -> FinesPaymentRead:
    """Charge each chosen fine (one receipt, one Fee Paid each), all in this transaction: when the
    card cannot cover them all (402), none is paid."""
    require_library_desk(session, merchant)
    card = accepted_card(session, body.qr)
    stored_value, payable = charges.holder_accounts(session, merchant, card.applicant_id)
    paid: list[FineChargeRead] = []
    for fine in body.fines:
        receipt = charges.book_charge(
            session,
            merchant,
            stored_value,
            payable,
            amount=fine.amount_cents,
            purpose=ChargePurpose.LIBRARY_FINE,
            reference=fine.library_fee_id,
        )
        outbox.enqueue(session, merchant.id, receipt, card, fine.library_fee_id)
        paid.append(FineChargeRead(**receipt.model_dump(), library_fee_id=fine.library_fee_id))
    return FinesPaymentRead(
        charges=paid,
        total_cents=sum(c.amount_cents for c in paid),
        balance_cents=paid[-1].balance_cents,
    )


def retry_refused(session: Session, staff: Principal, payment_id: str) -> LibraryPayment:
    """Send a refused payment again, once staff fixed the cause at the library (same BK)."""
    payment = repository.get(session, payment_id)
    if payment is None:
        raise LibraryPaymentNotFound("no library payment has this id")
    if payment.status != LibraryPaymentStatus.REFUSED:
        raise LibraryPaymentNotRefused(
            f"library payment {payment_id} is {payment.status}: only a refused one is sent again"
        )
    outbox.retry(payment, now=utcnow())
    session.flush()
    audit.record(
        session,
        actor=staff.actor,
        action="library.payment_retry",
        subject=f"library_payment:{payment.id}",
        detail={"charge": payment.charge_id},
    )
    return payment
