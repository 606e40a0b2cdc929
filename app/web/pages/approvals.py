"""The supervisor's queue: each application with its tally and the card it would print."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.applicants import lookups
from app.applicants import service as applicants
from app.applicants.errors import RequirementsNotMet
from app.applicants.schemas import ApproveRequest, DenialReason, DenyRequest, FeeWaiverReason
from app.approvals import decision
from app.approvals.fees import fee_for
from app.cards.printing.preview import card_preview_jpeg
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.kit.types import utcnow
from app.proofs import service as proofs
from app.web.errors import message_for, requirement_text
from app.web.i18n import N_
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Supervisors, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

WAIVERS: dict[str, str] = {
    "hardship": N_("Hardship"),
    "senior": N_("Senior"),
    "veteran": N_("Veteran"),
    "homeless": N_("No fixed home"),
    "domestic_violence": N_("Domestic-violence survivor"),
}
DENIALS: dict[str, str] = {
    "insufficient_identity": N_("Not enough proof of identity"),
    "insufficient_residency": N_("No valid proof of residency"),
    "documents_not_genuine": N_("Documents not genuine"),
    "not_a_resident": N_("Does not live in the city"),
    "under_minimum_age": N_("Under the minimum age"),
    "duplicate_application": N_("Already registered (duplicate)"),
    "withdrawn_by_applicant": N_("Withdrawn by the applicant"),
}
assert set(WAIVERS) == set(get_args(FeeWaiverReason))
assert set(DENIALS) == set(get_args(DenialReason))


@router.get("/approvals")
def queue(request: Request, db: SessionDep, v: Supervisors) -> HTMLResponse:
    assert v.principal is not None
    waiting = lookups.pending_applications(db)
    summaries = proofs.summaries(db, waiting, actor=v.principal.actor)
    rows = [{"person": applicant, "summary": summaries[applicant.id]} for applicant in waiting]
    total = lookups.pending_count(db) if len(waiting) == lookups.QUEUE_LIMIT else len(waiting)
    return render(request, v, "console/approvals.html", rows=rows, total=total)


def _detail(
    request: Request,
    db: SessionDep,
    v: Visitor,
    applicant_id: str,
    error: str = "",
    status: int = 200,
    unmet: list[str] | None = None,
) -> HTMLResponse:
    assert v.principal is not None
    record = applicants.read(db, applicant_id, actor=v.principal.actor)
    summary = proofs.summary(db, applicant_id, actor=v.principal.actor)
    fee, waiver = fee_for(record.date_of_birth, utcnow().date(), None)
    return render(
        request,
        v,
        "console/approval.html",
        status,
        person=record,
        summary=summary,
        missing=unmet
        if unmet is not None
        else [requirement_text(v.t, m.requirement) for m in summary.missing],
        fee_cents=fee,
        fee_waiver=waiver,
        waivers=WAIVERS,
        denials=DENIALS,
        errors={"decision": error} if error else {},
    )


@router.get("/approvals/{applicant_id}")
def review(request: Request, db: SessionDep, v: Supervisors, applicant_id: str) -> HTMLResponse:
    return _detail(request, db, v, applicant_id)


@router.get("/approvals/{applicant_id}/card.jpg")
def preview(db: SessionDep, v: Supervisors, applicant_id: str) -> Response:
    # A sync route: the rendering runs in a worker thread, off the event loop.
    jpeg = card_preview_jpeg(db, applicants.find(db, applicant_id))
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post("/approvals/{applicant_id}/approve")
def approve(
    request: Request,
    db: SessionDep,
    v: Supervisors,
    _csrf: CheckedVisitor,
    applicant_id: str,
    fee: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """The fee is taken in cash (`cash`: the approve service books it into the branch's drawer)
    or waived for a reason; only the waiver's coarse kind is kept."""
    assert v.principal is not None
    waived = fee in WAIVERS
    body = ApproveRequest(
        fee_waiver=fee if waived else None, fee_paid="waived" if waived else "cash"
    )
    try:
        approval = decision.approve(
            db, applicant_id, body.fee_waiver, actor=v.principal.actor, fee_paid=body.fee_paid
        )
    except RequirementsNotMet as exc:
        db.rollback()
        unmet = [requirement_text(v.t, u["requirement"]) for u in exc.extra.get("unmet", [])]
        return _detail(request, db, v, applicant_id, message_for(v.t, exc), 409, unmet)
    except ResidentIdError as exc:
        db.rollback()
        return _detail(request, db, v, applicant_id, message_for(v.t, exc), exc.status_code)
    return redirect(v, f"/console/cards/{approval.card.number}?approved=1")


@router.post("/approvals/{applicant_id}/deny")
def deny(
    request: Request,
    db: SessionDep,
    v: Supervisors,
    _csrf: CheckedVisitor,
    applicant_id: str,
    reason: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert v.principal is not None
    try:
        body = DenyRequest(reason=reason)
    except ValidationError:
        return _detail(
            request, db, v, applicant_id, v.t.gettext("Choose the reason for the denial."), 422
        )
    decision.deny(db, applicant_id, body.reason, actor=v.principal.actor)
    return redirect(v, "/console/approvals?denied=1")
