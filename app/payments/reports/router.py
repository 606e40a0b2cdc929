"""The books: a cardholder's statement, merchants' daily settlements and branches' cash
drawers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.branches.errors import BranchNotFound
from app.branches.schemas import BRANCH_CODE_PATTERN
from app.cards.errors import CardNotFound
from app.db import SessionDep
from app.kit.bounds import MAX_BIGINT, DayQuery
from app.kit.errors import GUARDED, BadCursor, ValidationError, responses
from app.merchants.errors import MerchantNotFound
from app.payments.deps import Bookkeepers, CardReaders, DrawerClosers, DrawerReaders, Merchants
from app.payments.errors import DayNotStarted, DrawerAlreadyClosed, NotYourBranch
from app.payments.reports import drawer_close, drawers, statements
from app.payments.schemas import (
    DrawerCloseCreate,
    DrawerCloseRead,
    DrawerRead,
    SettlementRead,
    StatementRead,
)

router = APIRouter(tags=["stored value"])


@router.get(
    "/v1/merchants/{merchant_id}/settlements",
    response_model=SettlementRead,
    responses=responses(*GUARDED, MerchantNotFound, ValidationError),
)
def merchant_settlement(
    session: SessionDep, reader: Bookkeepers, merchant_id: str, date: DayQuery = None
) -> SettlementRead:
    """A merchant's charges and refunds on one day of the city's calendar (default today)."""
    return statements.settlement(session, reader, merchant_id, date)


@router.get(
    "/v1/settlements/mine",
    response_model=SettlementRead,
    responses=responses(*GUARDED, ValidationError),
)
def my_settlement(
    session: SessionDep, merchant: Merchants, date: DayQuery = None
) -> SettlementRead:
    """The calling merchant's own settlement for one day (default today)."""
    return statements.settlement(session, merchant, merchant.id, date)


@router.get(
    "/v1/branches/{branch}/drawer",
    response_model=DrawerRead,
    responses=responses(*GUARDED, BranchNotFound, ValidationError),
)
def branch_drawer(
    session: SessionDep,
    reader: DrawerReaders,
    branch: Annotated[str, Path(pattern=BRANCH_CODE_PATTERN)],
    date: DayQuery = None,
) -> DrawerRead:
    """A branch's cash drawer for one day (default today): fees, loads and refunds by clerk, the
    cash expected in the till, the drawer's balance around the day, and the day's close."""
    return drawers.drawer(session, reader, branch, date)


@router.post(
    "/v1/branches/{branch}/drawer/close",
    status_code=201,
    response_model=DrawerCloseRead,
    responses=responses(
        *GUARDED, NotYourBranch, BranchNotFound, DrawerAlreadyClosed, ValidationError, DayNotStarted
    ),
)
def close_branch_drawer(
    session: SessionDep,
    staff: DrawerClosers,
    branch: Annotated[str, Path(pattern=BRANCH_CODE_PATTERN)],
    body: DrawerCloseCreate,
) -> DrawerCloseRead:
    """Close a branch's day: the cash counted against the day's fees and loads, the difference
    recorded and audited. A day closes once (409 names the first close)."""
    return drawer_close.close_drawer(session, staff, branch, body.day, body.counted_cents)


@router.get(
    "/v1/cards/{number}/transactions",
    response_model=StatementRead,
    responses=responses(*GUARDED, CardNotFound, ValidationError, BadCursor),
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
