"""Registering a person at the counter: every field of the applicant API, look-alikes first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.applicants import lookups
from app.applicants import service as applicants
from app.applicants.schemas import ApplicantCreate
from app.db import SessionDep, reads
from app.preapplications import service as preapplications
from app.web.forms import Errors, Values, field_errors, values_of
from app.web.i18n import N_
from app.web.languages import PREFERRED
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, FormDep, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "address_care_of",
    "address_street",
    "address_unit",
    "address_city",
    "address_postal_code",
    "address_on_card",
    "phone",
    "email",
    "language_1",
    "language_2",
    "emergency_contact_name",
    "emergency_contact_phone",
)

MESSAGES = {
    "given_name": N_("Enter the given name (at most 100 characters)."),
    "family_name": N_("Enter the family name (at most 100 characters)."),
    "date_of_birth": N_("Enter the date of birth as YYYY-MM-DD, for example 1990-04-12."),
    "gender": N_("Choose F, M, X or not shown."),
    "address_care_of": N_("Enter whose address it is (at most 200 characters), or leave it empty."),
    "address_street": N_("Enter the street and number, or leave the whole address empty."),
    "address_unit": N_("Enter the apartment or unit, or leave it empty."),
    "address_city": N_("Enter the city, or leave the whole address empty."),
    "address_postal_code": N_("Enter the ZIP code, for example 06510, or leave the address empty."),
    "phone": N_("Enter a phone number with digits only, for example 203 555 0100."),
    "email": N_("Enter an email address like name@example.org."),
    "preferred_languages": N_("Choose at most two languages from the list."),
    "emergency_contact_name": N_("Enter the emergency contact's name, or leave both empty."),
    "emergency_contact_phone": N_("Enter the emergency contact's phone, or leave both empty."),
}


_ADDRESS = ("care_of", "street", "unit", "city", "postal_code")


def _address(values: Values) -> dict[str, str] | None:
    """The address as the API takes it, or None when every part of it was left empty (a person
    without a fixed address). A part left empty in an address otherwise filled in is sent empty,
    so that the answer names it."""
    parts = {name: values[f"address_{name}"] for name in _ADDRESS}
    if not any(parts.values()):
        return None
    return {k: v for k, v in parts.items() if v or k not in ("care_of", "unit")}


def form_body(values: Values) -> dict[str, Any]:
    """The API's JSON from the form: empty optional fields are left out, never sent empty."""
    body: dict[str, Any] = {
        "family_name": values["family_name"],
        "date_of_birth": values["date_of_birth"],
        "address_on_card": values["address_on_card"] != "off",
    }
    address = _address(values)
    if address is not None:
        body["address"] = address
    if values["given_name"]:
        body["given_name"] = values["given_name"]
    for name in ("phone", "email"):
        if values[name]:
            body[name] = values[name]
    if values["gender"] in ("F", "M", "X"):
        body["gender"] = values["gender"]
    languages = [values[n] for n in ("language_1", "language_2") if values[n]]
    if languages:
        body["preferred_languages"] = languages
    contact = (values["emergency_contact_name"], values["emergency_contact_phone"])
    if any(contact):
        body["emergency_contact"] = {"name": contact[0], "phone": contact[1]}
    return body


def form_values(body: ApplicantCreate) -> Values:
    """The form's fields from the API's schema (a pre-application opened at the counter)."""
    address = body.address
    contact = body.emergency_contact
    languages = [*body.preferred_languages, "", ""]
    return {
        "given_name": body.given_name or "",
        "family_name": body.family_name,
        "date_of_birth": body.date_of_birth.isoformat(),
        "gender": body.gender or "",
        "address_care_of": (address.care_of or "") if address else "",
        "address_street": address.street if address else "",
        "address_unit": (address.unit or "") if address else "",
        "address_city": address.city if address else "",
        "address_postal_code": address.postal_code if address else "",
        "address_on_card": "" if body.address_on_card else "off",
        "phone": body.phone or "",
        "email": body.email or "",
        "language_1": languages[0],
        "language_2": languages[1],
        "emergency_contact_name": contact.name if contact else "",
        "emergency_contact_phone": contact.phone if contact else "",
    }


def _page(
    request: Request,
    v: Visitor,
    values: Values,
    errors: Errors,
    status_code: int = 200,
    duplicates: list[Any] | None = None,
    preapplication: str = "",
    code_error: str = "",
    notices: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    return render(
        request,
        v,
        "console/register.html",
        status_code,
        values=values,
        errors=errors,
        duplicates=duplicates or [],
        languages=PREFERRED,
        preapplication=preapplication,
        code_error=code_error,
        notices=notices or [],
    )


@router.get("/register")
def register_form(request: Request, v: Counter) -> HTMLResponse:
    return _page(request, v, {"address_city": ""}, {})


@router.post("/register/pre-application")
@reads
def open_preapplication(
    request: Request, db: SessionDep, v: Counter, _csrf: CheckedVisitor, form: FormDep
) -> HTMLResponse:
    """The form filled from a resident's pre-application, found by the code they bring (typed
    or scanned). Posted, so the code never appears in a URL or an access log; nothing is
    written or recorded until the clerk registers."""
    typed = form.get("code")
    code = typed.strip() if isinstance(typed, str) else ""
    found = preapplications.open_by_code(db, code) if code else None
    if found is None:
        message = v.t.gettext(
            "No pre-application has this code. Check it with the person, or register them "
            "without it."
        )
        return _page(request, v, {"address_city": ""}, {}, 404, code_error=message)
    notice = v.t.gettext(
        "The person's pre-application is filled in below. Check each answer with them and "
        "their documents, then register."
    )
    return _page(
        request, v, form_values(found), {}, preapplication=code, notices=[("info", notice)]
    )


@router.post("/register")
def register(
    request: Request, db: SessionDep, v: Counter, _csrf: CheckedVisitor, form: FormDep
) -> Response:
    values = values_of(form, FIELDS)
    posted = form.get("preapplication")
    preapplication = posted.strip() if isinstance(posted, str) else ""
    try:
        body = ApplicantCreate.model_validate(form_body(values))
    except ValidationError as exc:
        errors = field_errors(v.t, exc, MESSAGES)
        return _page(request, v, values, errors, 422, preapplication=preapplication)
    if form.get("confirm_duplicates") != "yes":
        alike = lookups.possible_duplicates(
            db, body.given_name or "", body.family_name, body.date_of_birth
        )
        if alike:
            return _page(
                request, v, values, {}, 200, duplicates=alike, preapplication=preapplication
            )
    assert v.principal is not None
    created = applicants.register(db, body, actor=v.principal.actor)
    if preapplication:
        preapplications.consume(db, preapplication)
    return redirect(v, f"/console/people/{created.id}?registered=1")
