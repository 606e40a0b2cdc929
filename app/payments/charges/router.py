"""Merchants charge cards by their QR; the merchant that charged, or a supervisor, refunds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.db import SessionDep, in_one_thread
from app.kit.bounds import Day
from app.kit.errors import GUARDED, ValidationError, responses
from app.payments.charges import days as charge_days
from app.payments.charges import refunds
from app.payments.charges import service as charges
from app.payments.deps import IdempotencyKey, Merchants, Refunders, answered
from app.payments.errors import (
    CardNotAccepted,
    ChargeNotFound,
    DailySpendLimitReached,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    InsufficientBalance,
    NotYourCharge,
    RefundExceedsCharge,
    RefundNotRefundable,
)
from app.payments.schemas import (
    ChargeCreate,
    ChargeDayRead,
    ChargeRead,
    RefundCreate,
    RefundRead,
)
from app.verification.errors import RateLimited

router = APIRouter(tags=["stored value"])


@router.post(
    "/v1/charges",
    status_code=201,
    response_model=ChargeRead,
    responses=responses(
        IdempotencyKeyRequired,
        *GUARDED,
        InsufficientBalance,
        DailySpendLimitReached,
        CardNotAccepted,
        ValidationError,
        IdempotencyKeyReused,
        RateLimited,
    ),
)
async def create_charge(
    merchant: Merchants, key: IdempotencyKey, body: ChargeCreate
) -> JSONResponse:
    """Charge the card whose QR was scanned; answers the receipt. 402 when the balance or the
    daily spending limit will not cover it, 403 when the card is revoked, expired or not ours.
    A refused charge counts as a verification and takes from the same rate limit (429)."""
    answer = await in_one_thread(lambda session: charges.charge_once(session, merchant, key, body))
    return answered(answer)


@router.get(
    "/v1/charges", response_model=ChargeDayRead, responses=responses(*GUARDED, ValidationError)
)
def my_charges(
    session: SessionDep,
    merchant: Merchants,
    day: Annotated[Day | None, Query(description="YYYY-MM-DD; today by default")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=36)] = None,
) -> ChargeDayRead:
    """The calling merchant's charges booked on one city day, oldest first, with the day's
    totals (charged, refunded, net)."""
    return charge_days.charges_of_day(session, merchant, day, limit=limit, cursor=cursor)


@router.post(
    "/v1/charges/{charge_id}/refunds",
    status_code=201,
    response_model=RefundRead,
    responses=responses(
        IdempotencyKeyRequired,
        *GUARDED,
        NotYourCharge,
        ChargeNotFound,
        RefundExceedsCharge,
        ValidationError,
        RefundNotRefundable,
        IdempotencyKeyReused,
    ),
)
def refund_charge(
    session: SessionDep,
    principal: Refunders,
    key: IdempotencyKey,
    charge_id: str,
    body: RefundCreate,
) -> JSONResponse:
    """Refund all or part of a charge, named by its id or by the receipt number the customer
    holds (any case, spaces allowed); never more than remains (409)."""
    return answered(refunds.refund_once(session, principal, key, charge_id, body))
