"""The branch's cash drawer for a day, per clerk, and closing the day with the cash counted."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.payments.ledger.accounts import DEFAULT_BRANCH
from app.payments.reports import drawers
from app.payments.reports.drawer_close import close_drawer
from app.web.errors import message_for
from app.web.forms import parse_cents
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Supervisors, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _branch(v: Visitor) -> str:
    assert v.principal is not None
    return v.principal.branch or DEFAULT_BRANCH


def _page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    day: date | None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    counted: str = "",
) -> HTMLResponse:
    assert v.principal is not None
    report = drawers.drawer(db, v.principal, _branch(v), day)
    notices = []
    if request.query_params.get("closed"):
        notices.append(("success", v.t.gettext("The day is closed. The difference is recorded.")))
    return render(
        request,
        v,
        "console/drawer.html",
        status,
        drawer=report,
        errors=errors or {},
        values={"counted": counted},
        notices=notices,
    )


@router.get("/drawer")
def drawer(
    request: Request, db: SessionDep, v: Supervisors, day: date | None = None
) -> HTMLResponse:
    return _page(request, db, v, day)


@router.post("/drawer/close")
def close(
    request: Request,
    db: SessionDep,
    v: Supervisors,
    _csrf: CheckedVisitor,
    day: Annotated[date, Form()],
    counted: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    assert v.principal is not None
    cents = parse_cents(v.t, counted) if counted.strip() not in ("0", "0.00", "0,00") else 0
    if cents is None:
        return _page(
            request,
            db,
            v,
            day,
            {"counted": v.t.gettext("Enter the cash counted in dollars, for example 120.00.")},
            422,
            counted,
        )
    try:
        close_drawer(db, v.principal, _branch(v), day, cents)
    except ResidentIdError as exc:
        db.rollback()
        return _page(
            request, db, v, day, {"counted": message_for(v.t, exc)}, exc.status_code, counted
        )
    return redirect(v, f"/console/drawer?day={day.isoformat()}&closed=1")
