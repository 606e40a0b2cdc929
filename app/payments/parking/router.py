"""Parking: zones (admin), sessions and offline meters' uploads (parking merchants only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse

from app.config import settings
from app.db import SessionDep
from app.kit.bodylimit import max_body
from app.kit.bounds import DayQuery
from app.kit.errors import (
    GUARDED,
    BadCursor,
    RequestTooLarge,
    ResidentIdError,
    Unprocessable,
    ValidationError,
    responses,
)
from app.kit.paging import CursorQuery, LimitQuery, Page
from app.payments import idempotency
from app.payments.deps import Admins, Auditors, IdempotencyKey, Merchants, ZoneReaders, answered
from app.payments.errors import (
    CardNotAccepted,
    DailySpendLimitReached,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    InsufficientBalance,
    NotAParkingMerchant,
    SessionEnded,
    SessionNotFound,
    StayTooLong,
    ZoneClosed,
    ZoneNotFound,
)
from app.payments.parking import offline, offline_report, sessions, zones
from app.payments.parking.schemas import (
    ZONE_CODE_PATTERN,
    OfflineReport,
    OfflineUpload,
    OfflineUploadRead,
    SessionExtend,
    SessionRead,
    SessionStart,
    ZoneRead,
    ZoneUpsert,
)

router = APIRouter(tags=["parking"])

# What a charged parking request can answer before its own refusals: the key, the guard, the
# merchant's kind, and the card holder's money.
_CHARGED: tuple[type[ResidentIdError], ...] = (
    IdempotencyKeyRequired,
    *GUARDED,
    NotAParkingMerchant,
    InsufficientBalance,
    DailySpendLimitReached,
)

ZoneCodePath = Annotated[str, Path(pattern=ZONE_CODE_PATTERN)]


@router.put(
    "/v1/parking/zones/{code}",
    response_model=ZoneRead,
    responses={
        201: {"model": ZoneRead, "description": "Created"},
        **responses(*GUARDED, ValidationError),
    },
)
def put_zone(
    session: SessionDep, admin: Admins, code: ZoneCodePath, body: ZoneUpsert, response: Response
) -> ZoneRead:
    """Create a zone (201) or change its rate, longest stay or opening (200)."""
    zone, created = zones.upsert_zone(session, admin, code, body)
    response.status_code = 201 if created else 200
    return zone


@router.get(
    "/v1/parking/zones",
    response_model=Page[ZoneRead],
    responses=responses(*GUARDED, ValidationError, BadCursor),
)
def list_zones(
    session: SessionDep, reader: ZoneReaders, limit: LimitQuery = 100, cursor: CursorQuery = None
) -> Page[ZoneRead]:
    """Zones with their rates, by code, a page at a time."""
    return zones.list_zones(session, cursor, limit)


@router.post(
    "/v1/parking/sessions",
    status_code=201,
    response_model=SessionRead,
    responses=responses(
        *_CHARGED,
        CardNotAccepted,
        ZoneNotFound,
        ZoneClosed,
        ValidationError,
        StayTooLong,
        IdempotencyKeyReused,
    ),
)
def start_session(
    session: SessionDep, merchant: Merchants, key: IdempotencyKey, body: SessionStart
) -> JSONResponse:
    """Start paid parking with the card's QR: a zone and minutes, charged at the zone's rate."""
    return answered(
        idempotency.once(
            session,
            merchant,
            key,
            route="POST /v1/parking/sessions",
            params={},
            body=body,
            work=lambda: sessions.start(session, merchant, body),
        )
    )


@router.get(
    "/v1/parking/sessions/{session_id}",
    response_model=SessionRead,
    responses=responses(*GUARDED, NotAParkingMerchant, SessionNotFound),
)
def get_session(session: SessionDep, merchant: Merchants, session_id: str) -> SessionRead:
    """One of this merchant's sessions: its zone and times."""
    return sessions.get_session(session, merchant, session_id)


@router.post(
    "/v1/parking/sessions/{session_id}/extend",
    status_code=201,
    response_model=SessionRead,
    responses=responses(
        *_CHARGED, SessionNotFound, SessionEnded, ValidationError, StayTooLong, IdempotencyKeyReused
    ),
)
def extend_session(
    session: SessionDep,
    merchant: Merchants,
    key: IdempotencyKey,
    session_id: str,
    body: SessionExtend,
) -> JSONResponse:
    """Add minutes to a running session, up to the zone's longest stay."""
    return answered(
        idempotency.once(
            session,
            merchant,
            key,
            route="POST /v1/parking/sessions/{session_id}/extend",
            params={"session_id": session_id},
            body=body,
            work=lambda: sessions.extend(session, merchant, session_id, body.minutes),
        )
    )


@router.post(
    "/v1/parking/offline-charges",
    status_code=200,
    response_model=OfflineUploadRead,
    responses=responses(
        IdempotencyKeyRequired,
        *GUARDED,
        NotAParkingMerchant,
        RequestTooLarge,
        ValidationError,
        IdempotencyKeyReused,
    ),
    openapi_extra=max_body(settings.body_max_bytes_offline_upload),
)
def upload_offline_charges(
    session: SessionDep, merchant: Merchants, key: IdempotencyKey, body: OfflineUpload
) -> JSONResponse:
    """Book charges a meter made offline; each answers charged, duplicate or rejected."""
    return answered(
        idempotency.once(
            session,
            merchant,
            key,
            route="POST /v1/parking/offline-charges",
            params={},
            body=body,
            work=lambda: offline.upload(session, merchant, body),
            status_code=200,
        )
    )


@router.get(
    "/v1/parking/offline-report",
    response_model=OfflineReport,
    responses=responses(*GUARDED, ValidationError, Unprocessable),
)
def offline_totals(
    session: SessionDep,
    auditor: Auditors,
    since: DayQuery = None,
    until: DayQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OfflineReport:
    """The cardholders and merchants with the largest offline parking totals in a period."""
    return offline_report.report(session, auditor, since, until, limit)
