"""Merchants, their API keys and desk staff over HTTP. Here, not in app/merchants, because the
route guard sits above merchants: it reads their API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.access.deps import allow
from app.auth.errors import UsernameTaken, WeakPassword
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import SessionDep
from app.kit.errors import GUARDED, BadCursor, ValidationError, responses
from app.kit.paging import CursorQuery, LimitQuery, Page
from app.merchants import service, staff
from app.merchants.errors import MerchantDisabled, MerchantNotFound
from app.merchants.schemas import (
    MerchantCreate,
    MerchantKey,
    MerchantRead,
    MerchantStaffCreate,
    MerchantStaffRead,
)

router = APIRouter(tags=["merchants"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
# Auditors look at who may scan cards; only administrators change it.
Readers = Annotated[Principal, Depends(allow(Role.ADMIN, Role.AUDITOR))]


@router.post(
    "/v1/merchants",
    status_code=201,
    response_model=MerchantKey,
    responses=responses(*GUARDED, ValidationError),
)
def create_merchant(session: SessionDep, admin: Admin, body: MerchantCreate) -> MerchantKey:
    """Register a merchant; the answer carries its API key, shown this once and never again."""
    return service.create(session, body, actor=admin.actor)


@router.get(
    "/v1/merchants",
    response_model=Page[MerchantRead],
    responses=responses(*GUARDED, ValidationError, BadCursor),
)
def list_merchants(
    session: SessionDep, _reader: Readers, limit: LimitQuery = 100, cursor: CursorQuery = None
) -> Page[MerchantRead]:
    """Merchants by name, with the first characters of their key (never the key)."""
    rows, next_cursor = service.page(session, cursor, limit)
    return Page(items=[MerchantRead.model_validate(m) for m in rows], next_cursor=next_cursor)


@router.get(
    "/v1/merchants/{merchant_id}",
    response_model=MerchantRead,
    responses=responses(*GUARDED, MerchantNotFound),
)
def get_merchant(session: SessionDep, _reader: Readers, merchant_id: str) -> MerchantRead:
    """One merchant."""
    return MerchantRead.model_validate(service.get(session, merchant_id))


@router.post(
    "/v1/merchants/{merchant_id}/disable",
    response_model=MerchantRead,
    responses=responses(*GUARDED, MerchantNotFound),
)
def disable_merchant(session: SessionDep, admin: Admin, merchant_id: str) -> MerchantRead:
    """Disable a merchant: its API key is refused from now on."""
    merchant = service.set_active(session, merchant_id, False, actor=admin.actor)
    return MerchantRead.model_validate(merchant)


@router.post(
    "/v1/merchants/{merchant_id}/enable",
    response_model=MerchantRead,
    responses=responses(*GUARDED, MerchantNotFound),
)
def enable_merchant(session: SessionDep, admin: Admin, merchant_id: str) -> MerchantRead:
    """Enable a disabled merchant again (with the key it had; rotate it if it may have leaked)."""
    merchant = service.set_active(session, merchant_id, True, actor=admin.actor)
    return MerchantRead.model_validate(merchant)


@router.post(
    "/v1/merchants/{merchant_id}/rotate-key",
    response_model=MerchantKey,
    responses=responses(*GUARDED, MerchantNotFound, MerchantDisabled),
)
def rotate_merchant_key(session: SessionDep, admin: Admin, merchant_id: str) -> MerchantKey:
    """A new API key for the merchant, shown this once; the old key stops working at once."""
    return service.rotate_key(session, merchant_id, actor=admin.actor)


@router.post(
    "/v1/merchants/{merchant_id}/staff",
    status_code=201,
    response_model=MerchantStaffRead,
    responses=responses(
        *GUARDED, MerchantNotFound, MerchantDisabled, UsernameTaken, ValidationError, WeakPassword
    ),
)
def add_staff(
    session: SessionDep, admin: Admin, merchant_id: str, body: MerchantStaffCreate
) -> MerchantStaffRead:
    """A desk account for one of the merchant's staff: it signs in to /merchant/ in a browser."""
    return MerchantStaffRead.model_validate(
        staff.add(session, merchant_id, body, actor=admin.actor)
    )


@router.get(
    "/v1/merchants/{merchant_id}/staff",
    response_model=Page[MerchantStaffRead],
    responses=responses(*GUARDED, MerchantNotFound, ValidationError, BadCursor),
)
def list_staff(
    session: SessionDep,
    _reader: Readers,
    merchant_id: str,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[MerchantStaffRead]:
    """The merchant's desk accounts by username, a page at a time."""
    rows, next_cursor = staff.list_staff(session, merchant_id, cursor, limit)
    return Page(items=[MerchantStaffRead.model_validate(s) for s in rows], next_cursor=next_cursor)
