"""Merchants and branches for administrators. A merchant's device key is shown once, as text and
as a QR a device can scan, on the page that answers the POST that made it: it is never stored
and never put in a URL."""

from __future__ import annotations

import base64
import io
from typing import Annotated

import qrcode
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from qrcode.constants import ERROR_CORRECT_M

from app.branches import service as branches
from app.branches.schemas import BranchCreate
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.merchants import service as merchants
from app.merchants.schemas import MerchantCreate, MerchantKey
from app.web.errors import message_for
from app.web.forms import field_errors, values_of
from app.web.i18n import N_
from app.web.routing import PageRoute
from app.web.sessions import Admins, CheckedVisitor, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console/admin", route_class=PageRoute, include_in_schema=False)

CATEGORIES = {
    "library": N_("Library"),
    "parking": N_("Parking"),
    "bank": N_("Bank"),
    "pharmacy": N_("Pharmacy"),
    "city_office": N_("City office"),
    "other": N_("Other"),
}
MERCHANT_MESSAGES = {
    "name": N_("Enter the merchant's name (up to 120 characters)."),
    "category": N_("Choose a category."),
}
BRANCH_FIELDS = ("code", "name", "address", "opening_hours")
BRANCH_MESSAGES = {
    "code": N_("Enter a code of letters, digits, - and _ (up to 32), for example fair-haven."),
    "name": N_("Enter the branch's name (up to 120 characters)."),
    "address": N_("The address is up to 300 characters."),
    "opening_hours": N_("The opening hours are up to 300 characters."),
}


def key_qr(api_key: str) -> str:
    """The key as a PNG QR in a data: URL (the page's policy allows data: images only)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(api_key)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _merchants_page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    notices = []
    if request.query_params.get("done") == "disabled":
        notices.append(("success", v.t.gettext("The merchant is disabled: its key is refused.")))
    if request.query_params.get("done") == "enabled":
        notices.append(("success", v.t.gettext("The merchant is enabled again.")))
    return render(
        request,
        v,
        "admin/merchants.html",
        status,
        merchants=merchants.list_merchants(db),
        category_options=[(k, v.t.gettext(text)) for k, text in CATEGORIES.items()],
        categories=CATEGORIES,
        values=values or {"category": "library"},
        errors=errors or {},
        notices=notices,
    )


def _key_page(
    request: Request, db: SessionDep, v: Visitor, key: MerchantKey, new: bool
) -> Response:
    merchant = merchants.get(db, key.id)
    return render(
        request,
        v,
        "admin/merchant_key.html",
        201 if new else 200,
        merchant=merchant,
        api_key=key.api_key,
        qr=key_qr(key.api_key),
        new=new,
    )


@router.get("/merchants")
def merchants_list(request: Request, db: SessionDep, v: Admins) -> HTMLResponse:
    return _merchants_page(request, db, v)


@router.post("/merchants")
def create_merchant(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    name: Annotated[str, Form(max_length=400)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    assert v.principal is not None
    values = {"name": name.strip(), "category": category}
    try:
        body = MerchantCreate(name=name.strip(), category=category)
    except ValidationError as exc:
        errors = field_errors(v.t, exc, MERCHANT_MESSAGES, fallback="name")
        return _merchants_page(request, db, v, values, errors, 422)
    key = merchants.create(db, body, actor=v.principal.actor)
    return _key_page(request, db, v, key, new=True)


@router.post("/merchants/{merchant_id}/rotate-key")
def rotate_key(
    request: Request, db: SessionDep, v: Admins, _csrf: CheckedVisitor, merchant_id: str
) -> Response:
    assert v.principal is not None
    try:
        key = merchants.rotate_key(db, merchant_id, actor=v.principal.actor)
    except ResidentIdError as exc:
        db.rollback()
        return _merchants_page(
            request, db, v, errors={"merchants": message_for(v.t, exc)}, status=exc.status_code
        )
    return _key_page(request, db, v, key, new=False)


def _set_active(db: SessionDep, v: Visitor, merchant_id: str, active: bool) -> Response:
    assert v.principal is not None
    merchants.set_active(db, merchant_id, active, actor=v.principal.actor)
    return redirect(v, f"/console/admin/merchants?done={'enabled' if active else 'disabled'}")


@router.post("/merchants/{merchant_id}/disable")
def disable_merchant(
    db: SessionDep, v: Admins, _csrf: CheckedVisitor, merchant_id: str
) -> Response:
    return _set_active(db, v, merchant_id, False)


@router.post("/merchants/{merchant_id}/enable")
def enable_merchant(db: SessionDep, v: Admins, _csrf: CheckedVisitor, merchant_id: str) -> Response:
    return _set_active(db, v, merchant_id, True)


def _branches_page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    # Named only when the branch exists: a crafted link cannot make the page say anything else.
    listed = branches.list_all(db)
    added = request.query_params.get("added", "")
    notices = []
    if added in {b.code for b in listed}:
        text = v.t.gettext("The branch %(code)s is added.") % {"code": added}
        notices.append(("success", text))
    return render(
        request,
        v,
        "admin/branches.html",
        status,
        branches=listed,
        values=values or {},
        errors=errors or {},
        notices=notices,
    )


@router.get("/branches")
def branches_list(request: Request, db: SessionDep, v: Admins) -> HTMLResponse:
    return _branches_page(request, db, v)


@router.post("/branches")
def add_branch(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    code: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    address: Annotated[str, Form(max_length=1000)] = "",
    opening_hours: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    assert v.principal is not None
    values = values_of(
        {"code": code, "name": name, "address": address, "opening_hours": opening_hours},
        BRANCH_FIELDS,
    )
    try:
        # A field left empty is not given (the branch has no address yet), never an empty text.
        body = BranchCreate.model_validate({k: val for k, val in values.items() if val})
        branches.add(db, body, actor=v.principal.actor)
    except ValidationError as exc:
        errors = field_errors(v.t, exc, BRANCH_MESSAGES, fallback="code")
        return _branches_page(request, db, v, values, errors, 422)
    except ResidentIdError as exc:
        db.rollback()
        errors = {"code": message_for(v.t, exc)}
        return _branches_page(request, db, v, values, errors, exc.status_code)
    return redirect(v, f"/console/admin/branches?added={body.code}")
