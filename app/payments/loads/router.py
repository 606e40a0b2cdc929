"""Counter endpoints on a card: load cash, read the balance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.cards import numbers
from app.cards.errors import CardExpired, CardNotFound, CardRevoked
from app.db import SessionDep
from app.kit.errors import GUARDED, ValidationError, responses
from app.payments import idempotency
from app.payments.deps import CardReaders, CounterStaff, IdempotencyKey, answered
from app.payments.errors import BalanceCapExceeded, IdempotencyKeyRequired, IdempotencyKeyReused
from app.payments.loads import service as loads
from app.payments.schemas import BalanceRead, LoadCreate, LoadRead

router = APIRouter(tags=["stored value"])


@router.post(
    "/v1/cards/{number}/loads",
    status_code=201,
    response_model=LoadRead,
    responses=responses(
        IdempotencyKeyRequired,
        *GUARDED,
        CardNotFound,
        BalanceCapExceeded,
        CardRevoked,
        CardExpired,
        ValidationError,
        IdempotencyKeyReused,
    ),
)
def load_card(
    session: SessionDep, clerk: CounterStaff, key: IdempotencyKey, number: str, body: LoadCreate
) -> JSONResponse:
    """Load cash onto a card (into the clerk's branch drawer); 409 above the balance cap."""
    return answered(
        idempotency.once(
            session,
            clerk,
            key,
            route="POST /v1/cards/{number}/loads",
            params={"number": numbers.normalize(number)},
            body=body,
            work=lambda: loads.load(session, clerk, number, body.amount_cents),
        )
    )


@router.get(
    "/v1/cards/{number}/balance",
    response_model=BalanceRead,
    responses=responses(*GUARDED, CardNotFound),
)
def card_balance(session: SessionDep, reader: CardReaders, number: str) -> BalanceRead:
    """The stored value of the card's holder."""
    return loads.balance(session, reader, number)
