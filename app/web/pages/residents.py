"""The residents' pages: the document pre-check and what to bring, where and when. No account,
nothing kept: each page reads the document catalog (and the branches) and renders.

The pre-check asks the proofs service that answers `POST /v1/eligibility`, in the page's
language, so the page and the API can never disagree about a set of documents.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.branches import service as branches
from app.db import SessionDep
from app.proofs import service as proofs
from app.proofs.languages import Language
from app.proofs.schemas import DocumentRead, EligibilityRequest
from app.web.routing import PageRoute
from app.web.sessions import Visitor, VisitorDep
from app.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _language(v: Visitor) -> Language:
    return "es" if v.locale == "es" else "en"


def _catalog(v: Visitor) -> dict[str, Any]:
    """The catalog as the page shows it: identity and residency documents, named in the page's
    language (a document may be in both lists)."""
    catalog = proofs.documents()

    def name_of(d: DocumentRead) -> str:
        return d.name_es if v.locale == "es" else d.name_en

    return {
        "identity": [d for d in catalog if d.identity_points > 0],
        "residency": [d for d in catalog if d.proves_residency],
        "name_of": name_of,
    }


@router.get("/eligibility")
def eligibility(
    request: Request,
    v: VisitorDep,
    document: Annotated[list[str] | None, Query(max_length=60)] = None,
    check: str | None = None,
) -> HTMLResponse:
    """The pre-check: tick documents, submit (a plain GET), see what is missing."""
    ticked = list(dict.fromkeys(document or []))
    result = None
    if check is not None or ticked:
        try:
            body = EligibilityRequest(documents=ticked)
        except ValidationError:
            return render(
                request,
                v,
                "error.html",
                422,
                message=v.t.gettext("The form was incomplete. Go back and try again."),
            )
        result = proofs.eligibility(body, _language(v))
    return render(
        request,
        v,
        "public/eligibility.html",
        ticked=set(ticked),
        result=result,
        **_catalog(v),
    )


@router.get("/what-to-bring")
def what_to_bring(request: Request, v: VisitorDep, db: SessionDep) -> HTMLResponse:
    """The requirements in words, the documents that meet them, and the branches."""
    # With no documents every requirement in force is unmet: the rules say what to bring.
    rules = proofs.eligibility(EligibilityRequest(documents=[]), _language(v))
    return render(
        request,
        v,
        "public/what_to_bring.html",
        requirements=[m.requirement for m in rules.missing],
        points_needed=rules.identity_points_needed,
        reminders=rules.reminders,
        branches=branches.list_all(db),
        **_catalog(v),
    )
