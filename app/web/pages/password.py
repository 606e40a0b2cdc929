"""A staff member changes their own password in the browser (also required after a reset)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.auth import service as auth
from app.db import reads
from app.kit.errors import ResidentIdError
from app.web import sessions
from app.web.errors import message_for
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Visitor, VisitorDep, signed_in
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _page(request: Request, v: Visitor, errors: dict[str, str], status: int = 200) -> HTMLResponse:
    return render(request, v, "console/password.html", status, errors=errors, values={})


@router.get("/password")
def password_form(request: Request, v: VisitorDep) -> HTMLResponse:
    signed_in(request, v)
    return _page(request, v, {})


@router.post("/password")
@reads  # the password check holds no lock; the change is written by a transaction of its own
def change_password(
    request: Request,
    v: CheckedVisitor,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    principal = signed_in(request, v)
    address = request.client.host if request.client else None
    try:
        user = auth.change_password(principal.id, current_password, new_password, address)
    except ResidentIdError as exc:
        field = "current_password" if exc.name in ("WrongPassword", "SignInThrottled") else None
        return _page(request, v, {field or "new_password": message_for(v.t, exc)}, exc.status_code)
    # The change ended every session of the account, this one too: start a fresh one.
    sessions.start(v, user)
    return redirect(v, "/console/")
