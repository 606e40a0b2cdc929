"""A card's page: replace (lost, stolen, damaged), renew, revoke, reprint, and cash loads."""

from __future__ import annotations

import secrets
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.applicants import service as applicants
from app.approvals import renewals
from app.cards import numbers
from app.cards import service as cards
from app.cards.printing import service as printing
from app.cards.schemas import (
    RenewRequest,
    ReplaceReason,
    ReplaceRequest,
    ReprintReason,
    ReprintRequest,
    RevokeReason,
    RevokeRequest,
)
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.payments import idempotency
from app.payments.loads import service as loads
from app.payments.models import KeyScope
from app.payments.schemas import LoadCreate, LoadRead
from app.web.errors import message_for
from app.web.forms import parse_cents
from app.web.i18n import N_
from app.web.pages.approvals import WAIVERS
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

REVOKE_REASONS: dict[str, str] = {
    "lost": N_("Lost"),
    "stolen": N_("Stolen"),
    "damaged": N_("Damaged"),
    "replaced": N_("Replaced"),
    "surrendered": N_("Given back"),
    "issued_in_error": N_("Issued in error"),
}
REPLACE_REASONS = {code: REVOKE_REASONS[code] for code in get_args(ReplaceReason)}
REPRINT_REASONS: dict[str, str] = {
    "misprint": N_("Misprinted"),
    "jammed": N_("Jammed in the printer"),
    "lost_before_pickup": N_("Lost before pick-up"),
    "damaged_before_pickup": N_("Damaged before pick-up"),
}
CARD_WAIVERS = {**WAIVERS, "city_error": N_("The city's error")}
assert set(REVOKE_REASONS) == set(get_args(RevokeReason))
assert set(REPRINT_REASONS) == set(get_args(ReprintReason))
# The console's loads share the API's idempotency records (same route, same principal).
LOAD_ROUTE = "POST /v1/cards/{number}/loads"

NOTICES = {
    "approved": N_("Approved. The card is in the print queue."),
    "replaced": N_("The old card is revoked. The new card is in the print queue."),
    "renewed": N_("The renewal card is in the print queue."),
    "revoked": N_("The card is revoked."),
    "reprinted": N_("Another copy is in the print queue."),
}


def _page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    assert v.principal is not None
    card = cards.read(db, cards.get_card(db, number, actor=v.principal.actor))
    holder = applicants.read(db, card.applicant_id, actor=v.principal.actor)
    balance = loads.balance(db, v.principal, card.number).balance_cents
    notices = [
        ("success", v.t.gettext(text))
        for key, text in NOTICES.items()
        if request.query_params.get(key)
    ]
    return render(
        request,
        v,
        "console/card.html",
        status,
        card=card,
        person=holder,
        balance=balance,
        errors=errors or {},
        values=values or {},
        notices=notices,
        revoke_reasons=REVOKE_REASONS,
        replace_reasons=REPLACE_REASONS,
        reprint_reasons=REPRINT_REASONS,
        waivers=CARD_WAIVERS,
        load_key=secrets.token_urlsafe(24),
    )


@router.get("/cards/{number}")
def card_page(request: Request, db: SessionDep, v: Counter, number: str) -> HTMLResponse:
    return _page(request, db, v, number)


def _act(
    request: Request, db: SessionDep, v: Visitor, number: str, field: str, work: Any
) -> Response:
    try:
        new_number = work()
    except ResidentIdError as exc:
        db.rollback()
        return _page(
            request, db, v, number, errors={field: message_for(v.t, exc)}, status=exc.status_code
        )
    return redirect(v, f"/console/cards/{new_number}?{field}=1")


@router.post("/cards/{number}/replace")
def replace(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    number: str,
    reason: Annotated[str, Form(max_length=40)] = "",
    fee: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert v.principal is not None
    actor = v.principal.actor
    try:
        body = ReplaceRequest(reason=reason, fee_waiver=fee or None)
    except ValidationError:
        error = v.t.gettext("Choose why the card is replaced.")
        return _page(request, db, v, number, errors={"replaced": error}, status=422)
    return _act(
        request,
        db,
        v,
        number,
        "replaced",
        lambda: renewals.replace(db, number, body.reason, body.fee_waiver, actor=actor).number,
    )


@router.post("/cards/{number}/renew")
def renew(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    number: str,
    fee: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert v.principal is not None
    actor = v.principal.actor
    try:
        body = RenewRequest(fee_waiver=fee or None)
    except ValidationError:
        error = v.t.gettext("Choose the fee or a waiver.")
        return _page(request, db, v, number, errors={"renewed": error}, status=422)
    return _act(
        request,
        db,
        v,
        number,
        "renewed",
        lambda: renewals.renew(db, number, body.fee_waiver, actor=actor).number,
    )


@router.post("/cards/{number}/revoke")
def revoke(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    number: str,
    reason: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert v.principal is not None
    actor = v.principal.actor
    try:
        body = RevokeRequest(reason=reason)
    except ValidationError:
        error = v.t.gettext("Choose why the card is revoked.")
        return _page(request, db, v, number, errors={"revoked": error}, status=422)
    return _act(
        request,
        db,
        v,
        number,
        "revoked",
        lambda: cards.revoke(db, number, body.reason, actor=actor).number,
    )


@router.post("/cards/{number}/reprint")
def reprint(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    number: str,
    reason: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert v.principal is not None
    actor = v.principal.actor
    try:
        body = ReprintRequest(reason=reason)
    except ValidationError:
        error = v.t.gettext("Choose why another copy is printed.")
        return _page(request, db, v, number, errors={"reprinted": error}, status=422)

    def work() -> str:
        printing.reprint(db, number, body.reason, actor=actor)
        return numbers.normalize(number)

    return _act(request, db, v, number, "reprinted", work)


@router.post("/cards/{number}/loads")
def load(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    number: str,
    amount: Annotated[str, Form(max_length=20)] = "",
    key: Annotated[str, Form(min_length=16, max_length=64)] = "",
) -> Response:
    """Cash onto the card, then the receipt. The form's key makes a double submit load once."""
    assert v.principal is not None
    cents = parse_cents(v.t, amount)
    if cents is None:
        return _page(
            request,
            db,
            v,
            number,
            errors={"amount": v.t.gettext("Enter an amount in dollars, for example 20.00.")},
            status=422,
            values={"amount": amount},
        )
    body = LoadCreate(amount_cents=cents)
    digest = idempotency.request_hash(
        LOAD_ROUTE, {"number": numbers.normalize(number)}, body.model_dump(mode="json")
    )
    try:
        earlier = idempotency.claim(db, v.principal.actor, KeyScope.HTTP, key, digest)
        if earlier is not None:
            receipt = LoadRead.model_validate_json(earlier.response_body)
        else:
            receipt = loads.load(db, v.principal, number, cents)
            idempotency.remember(
                db, v.principal.actor, KeyScope.HTTP, key, 201, receipt.model_dump(mode="json")
            )
    except ResidentIdError as exc:
        db.rollback()
        return _page(
            request,
            db,
            v,
            number,
            errors={"amount": message_for(v.t, exc)},
            status=exc.status_code,
            values={"amount": amount},
        )
    card = cards.read(db, cards.get_card(db, number, actor=v.principal.actor))
    return render(request, v, "console/receipt.html", receipt=receipt, card=card)
