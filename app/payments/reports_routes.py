"""The books: merchants' daily settlements and branches' cash drawers."""

from __future__ import annotations

from fastapi import APIRouter

from app.db import SessionDep
from app.kit.errors import responses
from app.kit.types import IsoDay
from app.payments import statements
from app.payments.deps import Bookkeepers, DrawerReaders, Merchants
from app.payments.schemas import DrawerRead, SettlementRead

router = APIRouter(tags=["stored value"])


@router.get(
    "/v1/merchants/{merchant_id}/settlements",
    response_model=SettlementRead,
    responses=responses(401, 403, 404, 422),
)
def merchant_settlement(
    session: SessionDep, reader: Bookkeepers, merchant_id: str, date: IsoDay | None = None
) -> SettlementRead:
    """A merchant's charges and refunds on one day of the city's calendar (default today)."""
    return statements.settlement(session, reader, merchant_id, date)


@router.get(
    "/v1/settlements/mine", response_model=SettlementRead, responses=responses(401, 403, 422)
)
def my_settlement(
    session: SessionDep, merchant: Merchants, date: IsoDay | None = None
) -> SettlementRead:
    """The calling merchant's own settlement for one day (default today)."""
    return statements.settlement(session, merchant, merchant.id, date)


@router.get(
    "/v1/branches/{branch}/drawer",
    response_model=DrawerRead,
    responses=responses(401, 403, 422),
)
def branch_drawer(
    session: SessionDep, reader: DrawerReaders, branch: str, date: IsoDay | None = None
) -> DrawerRead:
    """A branch's cash drawer for one day (default today): loads by clerk, opening and closing."""
    return statements.drawer(session, reader, branch, date)
