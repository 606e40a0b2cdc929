"""The merchant desk (/merchant/): merchant staff sign in, scan or type a card, see the answer.

The desk acts as its merchant (app.merchants.staff.principal): every check goes through the same
services, rate limit and counts as POST /v1/verify and /v1/verify/by-number with its API key.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from app.auth.errors import SignInThrottled
from app.config import settings
from app.db import SessionDep, reads
from app.kit.errors import NotAuthenticated
from app.merchants import staff as merchant_staff
from app.verification import by_number
from app.verification import service as verification
from app.verification.schemas import VerifyResult
from app.web import STATIC, desk_sessions, sessions
from app.web.desk_sessions import CheckedDeskVisitor, Desk, DeskPost, DeskVisitorDep
from app.web.errors import message_for
from app.web.routing import PageRoute
from app.web.sessions import Visitor
from app.web.templating import WASM_CSP, redirect, render

router = APIRouter(prefix="/merchant", route_class=PageRoute, include_in_schema=False)

HOME = "/merchant/"
PURPOSES = ("library_fine", "parking", "other")


def desk_render(
    request: Request, v: Visitor, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A desk page: its own navigation and language switch (desk sessions have their CSRF)."""
    return render(
        request, v, template, status_code, language_action="/merchant/language", **context
    )


def new_key() -> str:
    """A fresh idempotency key for a money form: a retry of the same form sends it again."""
    return secrets.token_hex(16)


@router.get("/sign-in")
def sign_in_form(
    request: Request, v: DeskVisitorDep, next: str = HOME, expired: str = ""
) -> HTMLResponse:
    return desk_render(
        request,
        v,
        "desk/sign_in.html",
        values={},
        errors={},
        next=sessions.safe_next(next, HOME),
        expired=bool(expired),
    )


@router.post("/sign-in")
@reads  # the password check holds no lock; failures are counted in transactions of their own
def sign_in(
    request: Request,
    v: CheckedDeskVisitor,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    try:
        address = request.client.host if request.client else None
        staff_id = merchant_staff.authenticate(username.strip(), password, address)
    except (NotAuthenticated, SignInThrottled) as exc:
        return desk_render(
            request,
            v,
            "desk/sign_in.html",
            exc.status_code,
            values={"username": username},
            errors={"username": message_for(v.t, exc)},
            next=sessions.safe_next(next, HOME),
            expired=False,
        )
    desk_sessions.start(v, staff_id)
    target = sessions.safe_next(next, HOME)
    return redirect(v, target if target.startswith("/merchant/") else HOME)


@router.post("/sign-out")
def sign_out(request: Request, db: SessionDep, v: CheckedDeskVisitor) -> Response:
    desk_sessions.end(db, request, v)
    return redirect(v, "/merchant/sign-in")


@router.post("/language")
def choose_language(
    request: Request,
    db: SessionDep,
    v: CheckedDeskVisitor,
    locale: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    """The desk's language, kept in the browser's language cookie."""
    sessions.choose_language(db, request, v, locale)
    return redirect(v, sessions.safe_next(next, HOME))


def scan_page(
    request: Request,
    v: Visitor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    page = desk_render(
        request,
        v,
        "desk/scan.html",
        status_code,
        errors=errors or {},
        values=values or {},
        status_list_path=f"/v1/status-lists/{settings.status_list_id}",
        city_timezone=settings.city_timezone,
    )
    page.headers["Content-Security-Policy"] = WASM_CSP
    return page


@router.get("/")
def scan(request: Request, v: Desk) -> HTMLResponse:
    return scan_page(request, v)


def result_page(
    request: Request, v: Visitor, result: VerifyResult, *, qr: str = "", **context: Any
) -> HTMLResponse:
    """The full-screen answer; a valid scanned card also gets the charge form (a charge needs the
    card's QR, so a card typed by hand is verified but not charged)."""
    return desk_render(
        request,
        v,
        "desk/result.html",
        result=result,
        qr=qr if result.status == "valid" else "",
        idempotency_key=new_key(),
        purposes=PURPOSES,
        values=context.pop("values", {}),
        errors=context.pop("errors", {}),
        **context,
    )


@router.post("/verify")
def verify(
    request: Request,
    db: SessionDep,
    v: DeskPost,
    qr: Annotated[str, Form(max_length=4096)] = "",
) -> HTMLResponse:
    """What a keyboard-wedge scanner types (ending with Enter), or the camera read."""
    assert v.principal is not None
    text = qr.strip()
    if not text:
        return scan_page(
            request, v, errors={"qr": v.t.gettext("Scan the card's QR code.")}, status_code=422
        )
    verification.take_rate(db, v.principal)
    result = verification.verify_for_merchant(db, v.principal, text)
    return result_page(request, v, result, qr=text)


@router.post("/verify-number")
def verify_number(
    request: Request,
    db: SessionDep,
    v: DeskPost,
    number: Annotated[str, Form(max_length=64)] = "",
    date_of_birth: Annotated[str, Form(max_length=32)] = "",
) -> HTMLResponse:
    """A card typed by hand: its number and the holder's date of birth, both needed."""
    assert v.principal is not None
    values = {"number": number.strip(), "date_of_birth": date_of_birth.strip()}
    errors: dict[str, str] = {}
    if not values["number"]:
        errors["number"] = v.t.gettext("Enter the number printed on the card.")
    try:
        born = date.fromisoformat(values["date_of_birth"])
    except ValueError:
        errors["date_of_birth"] = v.t.gettext("Enter the date of birth, for example 1990-04-12.")
    if errors:
        return scan_page(request, v, errors=errors, values=values, status_code=422)
    verification.take_rate(db, v.principal)
    result = by_number.verify_number_for_merchant(db, v.principal, values["number"], born)
    return result_page(request, v, result, typed=True)


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The desk's service worker, served under /merchant/ so that it may keep the desk's pages."""
    return FileResponse(
        STATIC / "desk" / "sw.js",
        media_type="text/javascript",
        # Browsers check a worker for updates; never let a cache hold an old one.
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
