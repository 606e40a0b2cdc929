"""Browser sessions for the merchant desk: as the console's (app.web.sessions), for merchant staff.

A cookie of its own (`rid_desk`) holding a random token whose SHA-256 is the row's id; signing
out deletes the row; a disabled account or merchant, or idle time past `console_idle_minutes`,
ends it. The signed-in desk acts as its merchant (app.merchants.staff.principal).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import settings
from app.db import SessionDep, write_transaction
from app.kit.types import utcnow
from app.merchants import staff as merchant_staff
from app.merchants.models import Merchant, MerchantStaff
from app.web.i18n import DEFAULT_LOCALE, Translator, pick
from app.web.models import DeskSession
from app.web.sessions import (
    LANG_COOKIE,
    PRE_COOKIE,
    Cookie,
    PageForbidden,
    SignInRequired,
    Visitor,
    csrf_for,
    form_token,
    return_path,
)

DESK_COOKIE = "rid_desk"
SIGN_IN = "/merchant/sign-in"
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live(db: Session, token: str) -> tuple[MerchantStaff, Merchant] | None | bool:
    """The account and merchant of a live session; None when unknown; False when it ended."""
    row = db.get(DeskSession, _digest(token))
    if row is None:
        return None
    found = merchant_staff.current(db, row.staff_id, row.token_version)
    now = utcnow()
    if found is None or now - row.last_seen_at > timedelta(minutes=settings.console_idle_minutes):
        with write_transaction() as writer:
            stale = writer.get(DeskSession, row.id)
            if stale is not None:
                writer.delete(stale)
        return False
    if now - row.last_seen_at > _TOUCH_EVERY:
        with write_transaction() as writer:
            fresh = writer.get(DeskSession, row.id)
            if fresh is not None:
                fresh.last_seen_at = now
    return found


def desk_visitor(request: Request, db: SessionDep) -> Visitor:
    """Every desk page's first dependency: reads the cookies, never fails."""
    secure = request.url.scheme == "https"
    t = Translator(pick(request.cookies.get(LANG_COOKIE, DEFAULT_LOCALE)))
    token = request.cookies.get(DESK_COOKIE)
    found = _live(db, token) if token else None
    if isinstance(found, tuple):
        v = Visitor(t, csrf_for("desk:" + (token or "")), secure, merchant_staff.principal(*found))
    else:
        pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
        v = Visitor(t, csrf_for("pre:" + pre), secure, expired=found is False)
        if PRE_COOKIE not in request.cookies:
            v.set_cookies.append(Cookie(PRE_COOKIE, pre, None))
        if token:
            v.clear_cookies.append(DESK_COOKIE)
    request.state.visitor = v
    return v


DeskVisitorDep = Annotated[Visitor, Depends(desk_visitor)]


def desk_csrf(v: DeskVisitorDep, token: Annotated[str, Depends(form_token)]) -> Visitor:
    """For every desk POST: refuse (403, nothing changes) a form without this browser's token."""
    if not token or not hmac.compare_digest(token, v.csrf):
        raise PageForbidden("csrf")
    return v


CheckedDeskVisitor = Annotated[Visitor, Depends(desk_csrf)]


def _signed_in(request: Request, v: Visitor) -> Visitor:
    if v.principal is None:
        raise SignInRequired(return_path(request), expired=v.expired, page=SIGN_IN)
    return v


def require_desk(request: Request, v: DeskVisitorDep) -> Visitor:
    """Signed-in merchant staff only."""
    return _signed_in(request, v)


def require_desk_post(
    request: Request, v: DeskVisitorDep, token: Annotated[str, Depends(form_token)]
) -> Visitor:
    """Signed-in merchant staff (else back to sign-in), posting a form of this browser's."""
    return desk_csrf(_signed_in(request, v), token)


Desk = Annotated[Visitor, Depends(require_desk)]
DeskPost = Annotated[Visitor, Depends(require_desk_post)]


def start(v: Visitor, staff_id: str) -> None:
    """Signed in: a new session in a transaction of its own (sign-in requests only read)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction() as writer:
        account = writer.get(MerchantStaff, staff_id)
        assert account is not None
        writer.add(
            DeskSession(
                id=_digest(token),
                staff_id=staff_id,
                token_version=account.token_version,
                created_at=now,
                last_seen_at=now,
            )
        )
    v.set_cookies.append(Cookie(DESK_COOKIE, token, None))


def end(db: Session, request: Request, v: Visitor) -> None:
    """Signing out ends the session on the server, not only in this browser."""
    token = request.cookies.get(DESK_COOKIE)
    if token:
        row = db.get(DeskSession, _digest(token))
        if row is not None:
            db.delete(row)
            db.flush()
    v.clear_cookies.append(DESK_COOKIE)
