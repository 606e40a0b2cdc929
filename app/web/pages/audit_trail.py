"""The auditor's audit trail: filtered by day, actor (a username), action and a card's number,
actors named; the chain's last verification, and a button that runs one."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.audit_trail import service as trail
from app.db import SessionDep, reads
from app.kit.errors import ResidentIdError
from app.web.errors import message_for
from app.web.forms import values_of
from app.web.i18n import N_
from app.web.routing import PageRoute
from app.web.sessions import Auditors, CheckedVisitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console/audit", route_class=PageRoute, include_in_schema=False)

FIELDS = ("since", "until", "actor", "action", "card", "below")
DATE_MESSAGE = N_("Enter the date as YYYY-MM-DD, for example 2026-12-01.")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/trail")
def trail_page(request: Request, db: SessionDep, v: Auditors) -> HTMLResponse:
    values = values_of(request.query_params, FIELDS)
    errors: dict[str, str] = {}
    since, until = _day(values["since"]), _day(values["until"])
    for name, parsed in (("since", since), ("until", until)):
        if values[name] and parsed is None:
            errors[name] = v.t.gettext(DATE_MESSAGE)
    if since and until and until < since:
        errors["until"] = v.t.gettext("The last day comes before the first day.")
    below = (
        int(values["below"]) if values["below"].isdigit() and len(values["below"]) < 19 else None
    )
    wanted = trail.TrailFilter(
        since=since,
        until=until,
        actor=values["actor"],
        action=values["action"],
        card_number=values["card"],
        below=below,
    )
    events: list[trail.TrailEvent] = []
    older = None
    if not errors:
        try:
            events, older = trail.events(db, wanted)
        except ResidentIdError as exc:
            errors["card"] = message_for(v.t, exc)
    query = {k: values[k] for k in FIELDS if k != "below" and values[k]}
    notices = []
    if request.query_params.get("verified"):
        notices.append(("success", v.t.gettext("The chain was verified. Its state is below.")))
    return render(
        request,
        v,
        "audit/trail.html",
        422 if errors else 200,
        events=events,
        older=older,
        query=query,
        values=values,
        errors=errors,
        last_check=trail.last_check(db),
        head_seq=trail.head_seq(db),
        notices=notices,
    )


@router.post("/trail/verify")
@reads  # recomputing the chain only reads; its outcome is appended by the trail's own writer
def verify(db: SessionDep, v: Auditors, _csrf: CheckedVisitor) -> Response:
    assert v.principal is not None
    trail.verify_and_record(db, actor=v.principal.actor)
    return redirect(v, "/console/audit/trail?verified=1")
