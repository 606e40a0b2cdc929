"""The signature, optional: signed on a pad at the counter (a small script draws it into the
file field) or a scan uploaded from disk. Where there is none, the card shows no signature box."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.applicants import images
from app.applicants import service as applicants
from app.applicants.errors import NotAnImage, PhotoTooLarge
from app.config import settings
from app.db import SessionDep
from app.web.forms import uploaded
from app.web.i18n import N_
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, FormDep, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

# The photo's messages would speak of a photo; these speak of the signature.
_REFUSED = {
    NotAnImage: N_("No signature shows in this image. Sign again, or choose a PNG or JPEG scan."),
    PhotoTooLarge: N_("The signature file is too large. Choose a smaller file."),
}


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
    notices = []
    if request.query_params.get("saved") and not error:
        notices.append(("success", v.t.gettext("The signature is saved.")))
    errors = {"signature": error} if error else {}
    return render(
        request, v, "console/signature.html", status, person=record, errors=errors, notices=notices
    )


@router.get("/people/{applicant_id}/signature")
def signature_form(request: Request, db: SessionDep, v: Counter, applicant_id: str) -> HTMLResponse:
    return _page(request, db, v, applicant_id)


@router.post("/people/{applicant_id}/signature")
def upload(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    form: FormDep,
    applicant_id: str,
) -> Response:
    assert v.principal is not None
    data = uploaded(form, "signature", settings.photo_max_bytes)
    if not data:
        message = v.t.gettext("Sign on the pad or choose a scan of the signature.")
        return _page(request, db, v, applicant_id, message, 422)
    try:
        if len(data) > settings.photo_max_bytes:
            raise PhotoTooLarge("too large")
        images.upload_signature(db, applicant_id, data, actor=v.principal.actor)
    except (NotAnImage, PhotoTooLarge) as exc:
        db.rollback()
        return _page(request, db, v, applicant_id, v.t.gettext(_REFUSED[type(exc)]), 422)
    return redirect(v, f"/console/people/{applicant_id}/signature?saved=1")


@router.get("/people/{applicant_id}/signature.png")
def signature_png(db: SessionDep, v: Counter, applicant_id: str) -> Response:
    assert v.principal is not None
    png = images.download_signature(db, applicant_id, actor=v.principal.actor)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
