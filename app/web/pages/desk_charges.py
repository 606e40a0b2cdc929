"""The merchant desk's money: charge a scanned card, refund by receipt number, the day's charges
and their CSV. The same services as POST /v1/charges, the refunds route and GET /v1/charges?day=.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.payments.charges import days as charge_days
from app.payments.charges import refunds
from app.payments.charges import service as charges
from app.payments.schemas import ChargeCreate, ChargeDayRead, ChargeRead, RefundCreate, RefundRead
from app.verification import service as verification
from app.web.desk_sessions import Desk, DeskPost
from app.web.errors import message_for
from app.web.forms import parse_cents
from app.web.pages.desk import PURPOSES, desk_render, new_key, result_page
from app.web.routing import PageRoute
from app.web.sessions import Visitor
from app.web.templating import PAGE_HEADERS

router = APIRouter(prefix="/merchant", route_class=PageRoute, include_in_schema=False)

# A day's charges: far more than a desk makes, read in pages of the API's largest size.
_PAGE = 1000


@router.post("/charge")
def charge(
    request: Request,
    db: SessionDep,
    v: DeskPost,
    qr: Annotated[str, Form(max_length=4096)],
    idempotency_key: Annotated[str, Form(max_length=255)],
    amount: Annotated[str, Form(max_length=20)] = "",
    purpose: Annotated[str, Form(max_length=20)] = "",
    reference: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Charge the card just verified; the receipt is the answer. The form's idempotency key makes
    a retry (a double click, a reload) answer the first receipt instead of charging again."""
    assert v.principal is not None
    values = {"amount": amount.strip(), "purpose": purpose, "reference": reference.strip()}
    errors: dict[str, str] = {}
    cents = parse_cents(v.t, values["amount"])
    if cents is None:
        errors["amount"] = v.t.gettext("Enter the amount in dollars, for example 2.50.")
    if purpose not in PURPOSES:
        errors["purpose"] = v.t.gettext("Choose what the charge is for.")
    body: ChargeCreate | None = None
    if not errors:
        try:
            body = ChargeCreate(
                qr=qr, amount_cents=cents, purpose=purpose, reference=values["reference"]
            )
        except ValidationError:
            errors["reference"] = v.t.gettext(
                "Enter a reference of letters and digits, for example the fine's number."
            )
    if body is None:
        return _again(request, db, v, qr, values, errors, 422)
    try:
        answer = charges.charge_once(db, v.principal, idempotency_key, body)
    except ResidentIdError as exc:
        db.rollback()
        return _again(
            request, db, v, qr, values, {"amount": message_for(v.t, exc)}, exc.status_code
        )
    receipt = ChargeRead.model_validate(answer.body)
    return desk_render(request, v, "desk/receipt.html", receipt=receipt)


def _again(
    request: Request,
    db: SessionDep,
    v: Visitor,
    qr: str,
    values: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> HTMLResponse:
    """The result page again, with the form's answers and what is wrong with them. The card is
    checked once more (without counting a verification): its standing may have changed."""
    check = verification.check_card_qr(db, qr)
    page = result_page(request, v, check.result(), qr=qr, values=values, errors=errors)
    page.status_code = status
    return page


@router.get("/refund")
def refund_form(request: Request, v: Desk) -> HTMLResponse:
    return desk_render(
        request, v, "desk/refund.html", values={}, errors={}, idempotency_key=new_key()
    )


@router.post("/refund")
def refund(
    request: Request,
    db: SessionDep,
    v: DeskPost,
    idempotency_key: Annotated[str, Form(max_length=255)],
    receipt_number: Annotated[str, Form(max_length=64)] = "",
    amount: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Refund all or part of a charge, found by the receipt number the customer holds."""
    assert v.principal is not None
    values = {"receipt_number": receipt_number.strip(), "amount": amount.strip()}
    errors: dict[str, str] = {}
    if not values["receipt_number"]:
        errors["receipt_number"] = v.t.gettext(
            "Enter the receipt number, for example R7K2M9QX4HPT."
        )
    cents = parse_cents(v.t, values["amount"])
    if cents is None:
        errors["amount"] = v.t.gettext("Enter the amount in dollars, for example 2.50.")
    if not errors and cents is not None:
        try:
            answer = refunds.refund_once(
                db,
                v.principal,
                idempotency_key,
                values["receipt_number"],
                RefundCreate(amount_cents=cents),
            )
        except ResidentIdError as exc:
            db.rollback()
            errors["receipt_number"] = message_for(v.t, exc)
        else:
            done = RefundRead.model_validate(answer.body)
            return desk_render(request, v, "desk/refunded.html", refund=done)
    return desk_render(
        request,
        v,
        "desk/refund.html",
        422,
        values=values,
        errors=errors,
        idempotency_key=idempotency_key,
    )


def _day(db: SessionDep, v: Visitor, day: date | None) -> ChargeDayRead:
    """The day's totals and every one of its charges (the service's pages joined)."""
    assert v.principal is not None
    first = charge_days.charges_of_day(db, v.principal, day, limit=_PAGE, cursor=None)
    page = first
    while page.next_cursor is not None:
        page = charge_days.charges_of_day(
            db, v.principal, first.date, limit=_PAGE, cursor=page.next_cursor
        )
        first.items.extend(page.items)
    return first


@router.get("/charges")
def charges_of_day(
    request: Request, db: SessionDep, v: Desk, day: date | None = None
) -> HTMLResponse:
    return desk_render(request, v, "desk/charges.html", report=_day(db, v, day))


def _dollars(cents: int) -> str:
    # Formatting only: the cents are exact, the shift of the decimal point makes no amount.
    return str(Decimal(cents).scaleb(-2))


@router.get("/charges.csv")
def charges_csv(db: SessionDep, v: Desk, day: date | None = None) -> Response:
    """The day's charges for a spreadsheet: one row per charge, amounts in dollars."""
    report = _day(db, v, day)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["receipt_number", "at", "purpose", "reference", "amount", "refunded"])
    for line in report.items:
        writer.writerow(
            [
                line.receipt_number,
                line.at.isoformat(),
                line.purpose,
                line.reference,
                _dollars(line.amount_cents),
                _dollars(line.refunded_cents),
            ]
        )
    name = f"charges-{report.date.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )
