"""Correcting a person's record: the registration form, filled in, sending every field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.applicants import service as applicants
from app.applicants.schemas import ApplicantRead, ApplicantUpdate
from app.cards import corrections
from app.db import SessionDep
from app.web.forms import Values, field_errors, values_of
from app.web.languages import PREFERRED
from app.web.pages.register import FIELDS, MESSAGES, form_body
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, FormDep
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _values(person: ApplicantRead) -> Values:
    languages = [*person.preferred_languages, "", ""]
    contact, address = person.emergency_contact, person.address
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "gender": person.gender or "",
        "address_care_of": (address.care_of or "") if address else "",
        "address_street": address.street if address else "",
        "address_unit": (address.unit or "") if address else "",
        "address_city": address.city if address else "",
        "address_postal_code": address.postal_code if address else "",
        "address_on_card": "" if person.address_on_card else "off",
        "phone": person.phone or "",
        "email": person.email or "",
        "language_1": languages[0],
        "language_2": languages[1],
        "emergency_contact_name": (contact.name or "") if contact else "",
        "emergency_contact_phone": (contact.phone or "") if contact else "",
    }


def _update(values: Values) -> dict[str, Any]:
    """Every field is sent: an emptied optional field is cleared (null), as the API's PATCH does."""
    body = form_body(values)
    for name in ("address", "phone", "email", "gender", "emergency_contact"):
        body.setdefault(name, None)
    body.setdefault("preferred_languages", [])
    return body


def _page(
    request: Request,
    v: Counter,
    person_id: str,
    values: Values,
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        v,
        "console/register.html",
        status,
        values=values,
        errors=errors,
        duplicates=[],
        languages=PREFERRED,
        correcting=person_id,
    )


@router.get("/people/{applicant_id}/correct")
def correct_form(request: Request, db: SessionDep, v: Counter, applicant_id: str) -> HTMLResponse:
    assert v.principal is not None
    person = applicants.read(db, applicant_id, actor=v.principal.actor)
    return _page(request, v, applicant_id, _values(person), {})


@router.post("/people/{applicant_id}/correct")
def correct(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    form: FormDep,
    applicant_id: str,
) -> Response:
    assert v.principal is not None
    values = values_of(form, FIELDS)
    try:
        body = ApplicantUpdate.model_validate(_update(values))
    except ValidationError as exc:
        return _page(request, v, applicant_id, values, field_errors(v.t, exc, MESSAGES), 422)
    result = corrections.correct(db, applicant_id, body, actor=v.principal.actor)
    # The webapi branch answers whether the printed card now shows the old name or date of birth.
    replace = "&replace=1" if getattr(result, "card_needs_replacement", False) else ""
    return redirect(v, f"/console/people/{applicant_id}?corrected=1{replace}")
