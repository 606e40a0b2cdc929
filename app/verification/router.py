from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool

from app.access.deps import allow, allow_keys, public
from app.auth.principal import Principal
from app.auth.roles import Role
from app.config import settings
from app.db import SessionDep, writes
from app.keys.errors import NoSigningKey, SigningKeyUnavailable
from app.kit.bounds import DayQuery
from app.kit.errors import GUARDED, BadCursor, DatabaseUnavailable, ValidationError, responses
from app.kit.paging import CursorQuery, LimitQuery, Page
from app.kit.types import utcnow
from app.verification import by_number, counts, service, status_lists
from app.verification.errors import PeriodReversed, RateLimited, StatusListNotFound
from app.verification.schemas import (
    DailyCountRead,
    VerifyByNumberRequest,
    VerifyRequest,
    VerifyResult,
)


@asynccontextmanager
async def _save_counts_at_shutdown(_app: Any) -> AsyncIterator[None]:
    yield
    # Counts still in memory would be lost with the process.
    await run_in_threadpool(counts.fold_now)


router = APIRouter(tags=["verification"], lifespan=_save_counts_at_shutdown)

Merchants = Annotated[Principal, Depends(allow(Role.MERCHANT))]
# The scan: no session, no worker thread (app.statements); the key from the worker's cache.
ScanningMerchants = Annotated[Principal, Depends(allow_keys(Role.MERCHANT))]
# Counts are the whole record of verifications; the people who oversee merchants may read them.
Overseers = Annotated[Principal, Depends(allow(Role.ADMIN, Role.AUDITOR))]

_DEFAULT_DAYS = 30


def _period(since: date | None, until: date | None) -> tuple[date, date]:
    until = until or utcnow().date()
    since = since or until - timedelta(days=_DEFAULT_DAYS)
    if since > until:
        raise PeriodReversed("since is after until")
    return since, until


@router.post(
    "/v1/verify",
    response_model=VerifyResult,
    response_model_exclude_none=True,
    responses=responses(*GUARDED, ValidationError, RateLimited, DatabaseUnavailable),
)
async def verify(merchant: ScanningMerchants, body: VerifyRequest) -> VerifyResult:
    """Verify a scanned card QR: valid, revoked, expired or invalid (with a reason), and the
    holder's name, date of birth and expiry when the signature is good. Rate-limited per key."""
    return await service.verify_scan(merchant, body.qr)


@router.post(
    "/v1/verify/by-number",
    response_model=VerifyResult,
    response_model_exclude_none=True,
    responses=responses(*GUARDED, ValidationError, RateLimited),
)
def verify_by_number(
    session: SessionDep, merchant: Merchants, body: VerifyByNumberRequest
) -> VerifyResult:
    """Verify a card typed by hand: its number and the holder's date of birth. The answer is a
    scanned QR's; a wrong date of birth answers as an unknown number. Shares /v1/verify's limit."""
    service.take_rate(session, merchant)
    return by_number.verify_number_for_merchant(session, merchant, body.number, body.date_of_birth)


@router.get(
    "/v1/verify/counts",
    response_model=Page[DailyCountRead],
    responses=responses(*GUARDED, ValidationError, PeriodReversed, BadCursor),
)
@writes  # folds this process's pending counts into the table first
def own_counts(
    session: SessionDep,
    merchant: Merchants,
    since: DayQuery = None,
    until: DayQuery = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[DailyCountRead]:
    """The calling merchant's verifications per day and outcome (the last 30 days by default),
    by day, a page at a time."""
    first, last = _period(since, until)
    return service.daily_counts(session, merchant.id, first, last, cursor=cursor, limit=limit)


@router.get(
    "/v1/verification-counts",
    response_model=Page[DailyCountRead],
    responses=responses(*GUARDED, ValidationError, PeriodReversed, BadCursor),
)
@writes  # folds this process's pending counts into the table first
def all_counts(
    session: SessionDep,
    _overseer: Overseers,
    merchant_id: Annotated[str | None, Query(max_length=36)] = None,
    since: DayQuery = None,
    until: DayQuery = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[DailyCountRead]:
    """Verifications per merchant, day and outcome (all the server keeps about them), by day
    and merchant, a page at a time."""
    first, last = _period(since, until)
    return service.daily_counts(session, merchant_id, first, last, cursor=cursor, limit=limit)


@router.get(
    "/v1/status-lists/{list_id}",
    dependencies=[Depends(public())],
    response_class=Response,
    responses={
        200: {"content": {status_lists.MEDIA_TYPE: {}}, "description": "The signed list."},
        **responses(StatusListNotFound, NoSigningKey, SigningKeyUnavailable),
    },
)
def status_list(session: SessionDep, list_id: str) -> Response:
    """The revocation list as a signed Status List Token (CWT, application/statuslist+cwt); one
    list for all cards, so fetching it reveals nothing about which card is being checked."""
    signed = status_lists.signed_list(session, list_id)
    max_age = min(
        settings.status_list_ttl_seconds,
        max(0, int((signed.expires_at - utcnow()).total_seconds())),
    )
    return Response(
        content=signed.token,
        media_type=status_lists.MEDIA_TYPE,
        headers={"Cache-Control": f"public, max-age={max_age}"},
    )
