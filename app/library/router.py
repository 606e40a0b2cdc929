"""The library desk's endpoints (fines, paying them in one go) and the reconciliation report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from app.access.deps import allow
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import SessionDep
from app.kit.bounds import DayQuery
from app.kit.errors import GUARDED, ValidationError, responses
from app.library import reconciliation, service
from app.library.errors import (
    LibraryNotConnected,
    LibraryPaymentNotFound,
    LibraryPaymentNotRefused,
    LibraryUnavailable,
    NotALibrary,
    PatronNotKnown,
)
from app.library.schemas import (
    FinesPage,
    FinesPaymentCreate,
    FinesPaymentRead,
    LibraryPaymentRead,
    ReconciliationRead,
)
from app.payments import idempotency
from app.payments.deps import IdempotencyKey, Merchants, answered
from app.payments.errors import (
    CardNotAccepted,
    DailySpendLimitReached,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    InsufficientBalance,
)

router = APIRouter(tags=["library"])

Reconcilers = Annotated[Principal, Depends(allow(Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR))]
Supervisors = Annotated[Principal, Depends(allow(Role.SUPERVISOR))]
CardNumber = Annotated[str, Query(min_length=1, max_length=32)]


@router.get(
    "/v1/library/fines",
    response_model=FinesPage,
    responses=responses(
        *GUARDED,
        404,
        NotALibrary,
        PatronNotKnown,
        LibraryNotConnected,
        ValidationError,
        LibraryUnavailable,
    ),
)
def list_fines(session: SessionDep, merchant: Merchants, card: CardNumber) -> FinesPage:
    """The card holder's outstanding library fees, asked of the library's system (SIP2 63/64).
    409 while SIP2 is off, 503 when the library's system does not answer."""
    patron = service.patron_of(session, merchant, card)
    # Nothing more to read or write: end the transaction before waiting on the library (on
    # SQLite it holds the database's write lock).
    session.commit()
    return service.ask_fines(patron)


@router.post(
    "/v1/library/fines/payments",
    status_code=201,
    response_model=FinesPaymentRead,
    responses=responses(
        IdempotencyKeyRequired,
        *GUARDED,
        NotALibrary,
        CardNotAccepted,
        InsufficientBalance,
        DailySpendLimitReached,
        LibraryNotConnected,
        ValidationError,
        IdempotencyKeyReused,
    ),
)
def pay_fines(
    session: SessionDep, merchant: Merchants, key: IdempotencyKey, body: FinesPaymentCreate
) -> JSONResponse:
    """Pay the fines the resident chose, in one go: one charge and receipt per fine, all or none
    (402 when the card cannot cover them all). Each is sent to the library as its own Fee Paid."""
    return answered(
        idempotency.once(
            session,
            merchant,
            key,
            route="POST /v1/library/fines/payments",
            params={},
            body=body,
            work=lambda: service.pay_fines(session, merchant, body),
        )
    )


@router.get(
    "/v1/library/reconciliation",
    response_model=ReconciliationRead,
    responses=responses(*GUARDED, ValidationError),
)
def reconciliation_report(
    session: SessionDep, reader: Reconcilers, date: DayQuery = None
) -> ReconciliationRead:
    """One city day (default today) of library-fine charges against the library's answers: sent,
    accepted, refused, pending; plus refusals awaiting staff, payments sent more than once and
    refunds for the library to reverse."""
    return reconciliation.report(session, date)


@router.post(
    "/v1/library/payments/{payment_id}/retry",
    response_model=LibraryPaymentRead,
    responses=responses(*GUARDED, LibraryPaymentNotFound, LibraryPaymentNotRefused),
)
def retry_payment(
    session: SessionDep, supervisor: Supervisors, payment_id: str
) -> LibraryPaymentRead:
    """Send a payment the library refused again (same transaction id), once its cause is fixed."""
    payment = service.retry_refused(session, supervisor, payment_id)
    return reconciliation.read_one(session, payment)
