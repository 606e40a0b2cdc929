"""Counter endpoints on a card: load cash, read the balance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.cards import numbers
from app.db import SessionDep
from app.kit.errors import responses
from app.payments import idempotency
from app.payments.deps import CardReaders, CounterStaff, IdempotencyKey, answered
from app.payments.loads import service as loads
from app.payments.schemas import BalanceRead, LoadCreate, LoadRead

router = APIRouter(tags=["stored value"])


@router.post(
    "/v1/cards/{number}/loads",
    status_code=201,
    response_model=LoadRead,
    responses=responses(400, 401, 403, 404, 409, 422),
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
    responses=responses(401, 403, 404),
)
def card_balance(session: SessionDep, reader: CardReaders, number: str) -> BalanceRead:
    """The stored value of the card's holder."""
    return loads.balance(session, reader, number)
