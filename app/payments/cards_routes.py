"""Counter endpoints on a card: load cash, read the balance, read the statement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.cards import numbers
from app.db import SessionDep
from app.kit.bounds import MAX_BIGINT
from app.kit.errors import responses
from app.kit.paging import BadCursor
from app.payments import idempotency, loads, statements
from app.payments.deps import CardReaders, CounterStaff, IdempotencyKey
from app.payments.schemas import BalanceRead, LoadCreate, LoadRead, StatementRead

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
    return idempotency.once(
        session,
        clerk,
        key,
        route="POST /v1/cards/{number}/loads",
        params={"number": numbers.normalize(number)},
        body=body,
        work=lambda: loads.load(session, clerk, number, body.amount_cents),
    )


@router.get(
    "/v1/cards/{number}/balance",
    response_model=BalanceRead,
    responses=responses(401, 403, 404),
)
def card_balance(session: SessionDep, reader: CardReaders, number: str) -> BalanceRead:
    """The stored value of the card's holder."""
    return loads.balance(session, reader, number)


@router.get(
    "/v1/cards/{number}/transactions",
    response_model=StatementRead,
    responses=responses(401, 403, 404, 422),
)
def card_transactions(
    session: SessionDep,
    reader: CardReaders,
    number: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[
        str | None,
        Query(
            max_length=19,
            pattern=r"^[1-9][0-9]*$",
            description="next_cursor of the previous page; leave out for the newest lines.",
        ),
    ] = None,
    before: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_BIGINT,
            deprecated=True,
            description="next_before of the previous page (read when no cursor is given).",
        ),
    ] = None,
) -> StatementRead:
    """The cardholder's statement, newest first, with the balance after each line, a page at a
    time."""
    if cursor is not None:
        if int(cursor) > MAX_BIGINT:
            raise BadCursor("cursor: not a cursor this server gave")
        before = int(cursor)
    return statements.statement(session, reader, number, limit=limit, before=before)
