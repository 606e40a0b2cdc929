"""Signing keys (rotate; withdraw after a page that says what stops verifying) and the server's
settings, read-only with secrets masked, for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.config import settings, shown_settings
from app.db import SessionDep
from app.keys import service as keys
from app.web.routing import PageRoute
from app.web.sessions import Admins, CheckedVisitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console/admin", route_class=PageRoute, include_in_schema=False)


@router.get("/keys")
def keys_list(request: Request, db: SessionDep, v: Admins) -> HTMLResponse:
    notices = []
    done = request.query_params.get("done")
    if done == "rotated":
        notices.append(("success", v.t.gettext("A new key signs from now on.")))
    if done == "withdrawn":
        notices.append(("success", v.t.gettext("The key is withdrawn and no longer published.")))
    records = sorted(keys.all_keys(db), key=lambda r: r.created_at, reverse=True)
    return render(request, v, "admin/keys.html", keys=records, notices=notices, errors={})


@router.post("/keys/rotate")
def rotate(db: SessionDep, v: Admins, _csrf: CheckedVisitor) -> Response:
    assert v.principal is not None
    keys.rotate(db, actor=v.principal.actor)
    return redirect(v, "/console/admin/keys?done=rotated")


@router.get("/keys/{kid}/withdraw")
def confirm_withdraw(request: Request, db: SessionDep, v: Admins, kid: str) -> HTMLResponse:
    record = keys.get(db, kid)
    return render(request, v, "admin/withdraw_key.html", key=record, errors={})


@router.post("/keys/{kid}/withdraw")
def withdraw(db: SessionDep, v: Admins, _csrf: CheckedVisitor, kid: str) -> Response:
    assert v.principal is not None
    # An unknown key is a 404 page (PageRoute); withdrawing twice changes nothing.
    keys.withdraw(db, kid, actor=v.principal.actor)
    return redirect(v, "/console/admin/keys?done=withdrawn")


@router.get("/settings")
def settings_page(request: Request, v: Admins) -> HTMLResponse:
    return render(request, v, "admin/settings.html", shown=shown_settings(settings))
