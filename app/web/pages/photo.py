"""The photo: a file from disk or a frame from the webcam (a small script fills the same field)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.applicants import images
from app.applicants import service as applicants
from app.applicants.errors import NotAnImage, PhotoTooLarge
from app.config import settings
from app.db import SessionDep
from app.web.errors import message_for
from app.web.forms import uploaded
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, FormDep, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    applicant_id: str,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    assert v.principal is not None
    record = applicants.read(db, applicant_id, actor=v.principal.actor)
    errors = {"photo": error} if error else {}
    notices = []
    if request.query_params.get("saved") and not error:
        notices.append(("success", v.t.gettext("The photo is saved.")))
    return render(
        request, v, "console/photo.html", status, person=record, errors=errors, notices=notices
    )


@router.get("/people/{applicant_id}/photo")
def photo_form(request: Request, db: SessionDep, v: Counter, applicant_id: str) -> HTMLResponse:
    return _page(request, db, v, applicant_id)


@router.post("/people/{applicant_id}/photo")
def upload(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    form: FormDep,
    applicant_id: str,
) -> Response:
    assert v.principal is not None
    data = uploaded(form, "photo", settings.photo_max_bytes)
    if not data:
        return _page(
            request,
            db,
            v,
            applicant_id,
            v.t.gettext("Choose a photo file or take one with the camera."),
            422,
        )
    try:
        if len(data) > settings.photo_max_bytes:
            raise PhotoTooLarge("too large")
        images.upload_photo(db, applicant_id, data, actor=v.principal.actor)
    except (NotAnImage, PhotoTooLarge) as exc:
        db.rollback()
        return _page(request, db, v, applicant_id, message_for(v.t, exc), 422)
    return redirect(v, f"/console/people/{applicant_id}/photo?saved=1")
