"""Pages for everyone: the landing page, the language switch and the API documentation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.web import sessions
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, VisitorDep
from app.web.templating import PAGE_HEADERS, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def landing(request: Request, v: VisitorDep) -> HTMLResponse:
    return render(request, v, "public/landing.html")


@router.post("/language")
def choose_language(
    request: Request,
    db: SessionDep,
    v: CheckedVisitor,
    locale: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Switch the language at any time; kept in the session (and a cookie before sign-in)."""
    sessions.choose_language(db, request, v, locale)
    return redirect(v, sessions.safe_next(next, "/"))


_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Resident ID API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/console/docs.js"></script></body></html>"""


@router.get("/docs")
def api_docs() -> HTMLResponse:
    """Swagger UI from our own static files: works on a network cut off from the internet."""
    headers = {
        **PAGE_HEADERS,
        "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"].replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        ),
    }
    return HTMLResponse(_DOCS, headers=headers)
