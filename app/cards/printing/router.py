from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.access.deps import allow
from app.auth.principal import Principal
from app.auth.roles import Role
from app.cards.printing import service
from app.cards.printing.errors import (
    CardNotPrintable,
    PrintJobAlreadyPrinted,
    PrintJobCancelled,
    PrintJobNotFound,
)
from app.cards.printing.schemas import (
    BatchLayout,
    BatchRequest,
    PrintFailure,
    PrintJobRead,
    PublishedPrintJobStatus,
)
from app.db import SessionDep, writes
from app.keys.errors import NoSigningKey, SigningKeyUnavailable
from app.kit.errors import GUARDED, ResidentIdError, ValidationError, responses

router = APIRouter(tags=["printing"])

# Only the printer handles card PDFs (they carry a person's photo and details); a supervisor
# may look at the queue to see what is stuck.
Printer = Annotated[Principal, Depends(allow(Role.PRINTER))]
QueueWatchers = Annotated[Principal, Depends(allow(Role.PRINTER, Role.SUPERVISOR))]

_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The card PDF."}
}

# Why a job's PDF is refused (its QR is signed as it is drawn), and why a job cannot be marked
# printed or failed.
_UNPRINTABLE: tuple[type[ResidentIdError], ...] = (
    PrintJobNotFound,
    PrintJobCancelled,
    CardNotPrintable,
    NoSigningKey,
    SigningKeyUnavailable,
)
_DONE: tuple[type[ResidentIdError], ...] = (
    PrintJobNotFound,
    PrintJobAlreadyPrinted,
    PrintJobCancelled,
)


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        # Never kept by a proxy or the browser: it carries a person's photo and details.
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/v1/print-jobs",
    response_model=list[PrintJobRead],
    responses=responses(*GUARDED, ValidationError),
)
def list_print_jobs(
    session: SessionDep,
    _principal: QueueWatchers,
    status: PublishedPrintJobStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[PrintJobRead]:
    """Print jobs in arrival order, e.g. `?status=queued` for what is waiting to be printed."""
    return service.list_jobs(session, status=status, limit=limit)


@router.get(
    "/v1/print-jobs/{job_id}/card.pdf",
    response_class=Response,
    responses={**_PDF, **responses(*GUARDED, *_UNPRINTABLE)},
)
@writes  # signing the card's QR keeps its key published until the card expires
def print_job_pdf(session: SessionDep, principal: Printer, job_id: str) -> Response:
    """The card's PDF (two CR80 pages: front, back); fetching a printed job's PDF is a reprint."""
    return _pdf(service.card_pdf(session, job_id, actor=principal.actor), f"card-{job_id}.pdf")


@router.post(
    "/v1/print-jobs/batch.pdf",
    response_class=Response,
    responses={**_PDF, **responses(*GUARDED, *_UNPRINTABLE, ValidationError)},
)
def print_batch_pdf(
    session: SessionDep, principal: Printer, body: BatchRequest, layout: BatchLayout = "cards"
) -> Response:
    """One PDF for several jobs: CR80 pages (`layout=cards`) or Letter sheets of 10 (`sheet`)."""
    pdf = service.batch_pdf(session, body.job_ids, layout, actor=principal.actor)
    return _pdf(pdf, f"cards-{layout}.pdf")


@router.post(
    "/v1/print-jobs/{job_id}/printed",
    response_model=PrintJobRead,
    responses=responses(*GUARDED, *_DONE),
)
def mark_printed(session: SessionDep, principal: Printer, job_id: str) -> PrintJobRead:
    """The card came out of the printer: it becomes active. A second call answers 409."""
    return service.mark_printed(session, job_id, actor=principal.actor)


@router.post(
    "/v1/print-jobs/{job_id}/failed",
    response_model=PrintJobRead,
    responses=responses(*GUARDED, *_DONE, ValidationError),
)
def mark_failed(
    session: SessionDep, principal: Printer, job_id: str, body: PrintFailure
) -> PrintJobRead:
    """The printer failed: the reason is kept and the job waits in the queue again."""
    return service.mark_failed(session, job_id, body.reason, actor=principal.actor)
