"""The printer's screen: the queue with each job's status, batch PDFs, printed or failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.auth.roles import Role
from app.cards.printing import service as printing
from app.cards.printing.models import PrintJobStatus
from app.cards.printing.schemas import BatchLayout, BatchRequest, PrintFailure
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.web.errors import message_for
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, FormDep, Printers, Visitor, require
from app.web.templating import redirect, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

# Only the printer handles card PDFs and marks jobs (as in the API); a supervisor may look.
PrinterOnly = Annotated[Visitor, Depends(require(Role.PRINTER))]


def _page(
    request: Request, db: SessionDep, v: Visitor, error: str = "", status: int = 200
) -> HTMLResponse:
    notices = []
    for key, text in (
        ("printed", v.t.gettext("Marked printed: the card is active.")),
        ("failed", v.t.gettext("Marked failed: the job waits in the queue again.")),
    ):
        if request.query_params.get(key):
            notices.append(("success", text))
    return render(
        request,
        v,
        "console/print_queue.html",
        status,
        queued=printing.list_jobs(db, status=PrintJobStatus.QUEUED, limit=200),
        errors={"jobs": error} if error else {},
        notices=notices,
    )


@router.get("/print-queue")
def queue(request: Request, db: SessionDep, v: Printers) -> HTMLResponse:
    return _page(request, db, v)


@router.post("/print-queue/batch.pdf")
def batch(
    request: Request, db: SessionDep, v: PrinterOnly, _csrf: CheckedVisitor, form: FormDep
) -> Response:
    assert v.principal is not None
    layout: BatchLayout = "sheet" if form.get("layout") == "sheet" else "cards"
    try:
        body = BatchRequest(job_ids=[j for j in form.getlist("job") if isinstance(j, str)])
        pdf = printing.batch_pdf(db, body.job_ids, layout, actor=v.principal.actor)
    except ValidationError:
        return _page(request, db, v, v.t.gettext("Tick the jobs to print (at most 50)."), 422)
    except ResidentIdError as exc:
        db.rollback()
        return _page(request, db, v, message_for(v.t, exc), exc.status_code)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="cards.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/print-queue/{job_id}/printed")
def printed(
    request: Request, db: SessionDep, v: PrinterOnly, _csrf: CheckedVisitor, job_id: str
) -> Response:
    assert v.principal is not None
    try:
        printing.mark_printed(db, job_id, actor=v.principal.actor)
    except ResidentIdError as exc:
        db.rollback()
        return _page(request, db, v, message_for(v.t, exc), exc.status_code)
    return redirect(v, "/console/print-queue?printed=1")


@router.post("/print-queue/{job_id}/failed")
def failed(
    request: Request,
    db: SessionDep,
    v: PrinterOnly,
    _csrf: CheckedVisitor,
    job_id: str,
    reason: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    assert v.principal is not None
    try:
        body = PrintFailure(reason=reason)
        printing.mark_failed(db, job_id, body.reason, actor=v.principal.actor)
    except ValidationError:
        return _page(
            request, db, v, v.t.gettext("Say what went wrong (what the printer showed)."), 422
        )
    except ResidentIdError as exc:
        db.rollback()
        return _page(request, db, v, message_for(v.t, exc), exc.status_code)
    return redirect(v, "/console/print-queue?failed=1")
