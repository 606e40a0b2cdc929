"""Checking documents: the catalog as a checklist in the clerk's language, with a tally by the
same rules as `POST /v1/eligibility`. A document's number is never asked for."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.applicants import service as applicants
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.proofs import service as proofs
from app.proofs.schemas import DocumentRead, EligibilityRead, EligibilityRequest, ProofCheckCreate
from app.web.errors import message_for, requirement_text
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, FormDep, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def document_name(document: DocumentRead, locale: str) -> str:
    return document.name_es if locale == "es" else document.name_en


def needs_date(document: DocumentRead) -> bool:
    """A residency document whose age matters asks for its date (a lease does not)."""
    return document.proves_residency and document.max_age_days is not None


def _tally(v: Visitor, result: EligibilityRead) -> dict[str, Any]:
    return {
        "eligible": result.eligible,
        "points": result.identity_points,
        "needed": result.identity_points_needed,
        "missing": [requirement_text(v.t, m.requirement) for m in result.missing],
    }


def _page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    applicant_id: str,
    *,
    ticked: list[str],
    dates: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    notices: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    assert v.principal is not None
    actor = v.principal.actor
    record = applicants.read(db, applicant_id, actor=actor)
    summary = proofs.summary(db, applicant_id, actor=actor)
    catalog = proofs.documents()
    ticked_tally = _tally(v, proofs.eligibility(EligibilityRequest(documents=ticked)))
    return render(
        request,
        v,
        "console/proofs.html",
        status,
        person=record,
        summary=summary,
        missing=[requirement_text(v.t, m.requirement) for m in summary.missing],
        identity=[d for d in catalog if d.identity_points > 0],
        residency=[d for d in catalog if d.proves_residency],
        name_of=lambda d: document_name(d, v.locale),
        needs_date=needs_date,
        ticked=set(ticked),
        dates=dates,
        tally=ticked_tally,
        errors=errors,
        notices=notices or [],
        requirement_texts={
            code: requirement_text(v.t, code)
            for code in (
                "identity_points",
                "photo_document",
                "date_of_birth_document",
                "residency_proof",
            )
        },
    )


@router.get("/people/{applicant_id}/proofs")
def proofs_form(request: Request, db: SessionDep, v: Counter, applicant_id: str) -> HTMLResponse:
    notices = []
    if request.query_params.get("recorded"):
        notices.append(("success", v.t.gettext("The documents are recorded.")))
    return _page(request, db, v, applicant_id, ticked=[], dates={}, errors={}, notices=notices)


def _ticked(form: FormDep, codes: set[str]) -> tuple[list[str], dict[str, str]]:
    ticked = [c for c in form.getlist("document") if isinstance(c, str) and c in codes]
    dates = {}
    for code in ticked:
        value = form.get(f"date_{code}")
        if isinstance(value, str) and value.strip():
            dates[code] = value.strip()
    return list(dict.fromkeys(ticked)), dates


@router.post("/people/{applicant_id}/proofs")
def record_proofs(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    form: FormDep,
    applicant_id: str,
) -> Response:
    assert v.principal is not None
    codes = {d.code for d in proofs.documents()}
    ticked, dates = _ticked(form, codes)
    if form.get("action") != "record":
        # "Check the tally" without scripts: the same page, the ticks kept, nothing recorded.
        return _page(request, db, v, applicant_id, ticked=ticked, dates=dates, errors={})
    if not ticked:
        nothing = {"documents": v.t.gettext("Tick the documents the person showed.")}
        return _page(
            request, db, v, applicant_id, ticked=[], dates=dates, errors=nothing, status=422
        )
    errors: dict[str, str] = {}
    for code in ticked:
        try:
            body = ProofCheckCreate(document=code, document_date=dates.get(code))
            proofs.record(db, applicant_id, body, actor=v.principal.actor)
        except ValidationError:
            errors[f"date_{code}"] = v.t.gettext("Enter the document's date as YYYY-MM-DD.")
        except ResidentIdError as exc:
            errors[f"date_{code}"] = message_for(v.t, exc)
    if errors:
        # All or nothing: a form with one bad date records none of its documents.
        db.rollback()
        return _page(
            request, db, v, applicant_id, ticked=ticked, dates=dates, errors=errors, status=422
        )
    return redirect(v, f"/console/people/{applicant_id}/proofs?recorded={len(ticked)}")


@router.post("/people/{applicant_id}/proofs/{check_id}/withdraw")
def withdraw(
    db: SessionDep, v: Counter, _csrf: CheckedVisitor, applicant_id: str, check_id: str
) -> Response:
    assert v.principal is not None
    proofs.withdraw(db, applicant_id, check_id, actor=v.principal.actor)
    return redirect(v, f"/console/people/{applicant_id}/proofs")
