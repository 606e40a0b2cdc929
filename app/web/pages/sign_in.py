"""Staff sign-in and sign-out in the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.auth import service as auth
from app.auth.errors import SignInThrottled
from app.auth.roles import Role
from app.db import SessionDep, reads
from app.kit.errors import NotAuthenticated
from app.web import sessions
from app.web.errors import message_for
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, VisitorDep
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


@router.get("/sign-in")
def sign_in_form(
    request: Request, v: VisitorDep, next: str = "/console/", expired: str = ""
) -> HTMLResponse:
    return render(
        request,
        v,
        "console/sign_in.html",
        values={},
        errors={},
        next=sessions.safe_next(next),
        expired=bool(expired),
    )


@router.post("/sign-in")
@reads  # the password check holds no lock; failures are counted in transactions of their own
def sign_in(
    request: Request,
    db: SessionDep,
    v: CheckedVisitor,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/console/",
) -> Response:
    try:
        address = request.client.host if request.client else None
        user = auth.authenticate(db, username.strip(), password, address)
    except (NotAuthenticated, SignInThrottled) as exc:
        # The username is kept, the password never is.
        return render(
            request,
            v,
            "console/sign_in.html",
            exc.status_code,
            values={"username": username},
            errors={"username": message_for(v.t, exc)},
            next=sessions.safe_next(next),
            expired=False,
        )
    sessions.start(v, user)
    if user.must_change_password:
        return redirect(v, "/console/password")
    default = sessions.HOMES.get(Role(user.role), "/console/")
    target = sessions.safe_next(next, default)
    return redirect(v, default if target == "/console/" else target)


@router.post("/sign-out")
def sign_out(request: Request, db: SessionDep, v: CheckedVisitor) -> Response:
    sessions.end(db, request, v)
    return redirect(v, "/console/sign-in")
