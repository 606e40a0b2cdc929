"""The pre-application: a resident fills in at home what the clerk would type at the counter, and
gets a code (and its QR) to bring. No account, no e-mail; the code is shown once and kept nowhere.

The form has the registration form's fields and is checked by the same schema, so what a resident
may send is exactly what a clerk may register, and nothing more (an unknown field is refused).
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.applicants.schemas import ApplicantCreate
from app.config import settings
from app.db import SessionDep
from app.preapplications import service as preapplications
from app.web.forms import Errors, Values, field_errors, values_of
from app.web.languages import PREFERRED
from app.web.pages.register import FIELDS, MESSAGES, form_body
from app.web.routing import PageRoute
from app.web.sessions import CSRF_FIELD, CheckedVisitor, FormDep, Visitor, VisitorDep
from app.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_KNOWN = {*FIELDS, CSRF_FIELD}


def _qr_data_uri(code: str) -> str:
    """The code as a QR (SVG, drawn as vectors so it prints sharp), for an <img src>."""
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _form(
    request: Request, v: Visitor, values: Values, errors: Errors, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        v,
        "public/pre_apply.html",
        status_code,
        values=values,
        errors=errors,
        languages=PREFERRED,
        days=settings.preapplication_days,
    )


@router.get("/pre-apply")
def pre_apply_form(request: Request, v: VisitorDep) -> HTMLResponse:
    """The form, empty: nothing is kept until it is sent."""
    return _form(request, v, {}, {})


@router.post("/pre-apply")
def pre_apply(request: Request, db: SessionDep, v: CheckedVisitor, form: FormDep) -> HTMLResponse:
    """Check the details as registration would, keep them sealed, show the code once.

    The code page is the POST's answer, not a redirect: a code in a URL would be in access logs
    and the browser's history, and one kept for a later GET would have to be stored."""
    unknown = sorted(set(form.keys()) - _KNOWN)
    if unknown:
        message = v.t.gettext(
            "The form had answers this page does not ask for. Go back, reload the page and "
            "try again."
        )
        return render(request, v, "error.html", 422, message=message)
    values = values_of(form, FIELDS)
    try:
        body = ApplicantCreate.model_validate(form_body(values))
    except ValidationError as exc:
        return _form(request, v, values, field_errors(v.t, exc, MESSAGES), 422)
    client = request.client.host if request.client else None
    code = preapplications.submit(db, body, client_address=client)
    return render(
        request,
        v,
        "public/pre_apply_code.html",
        code=code,
        qr=_qr_data_uri(code),
        days=settings.preapplication_days,
    )
