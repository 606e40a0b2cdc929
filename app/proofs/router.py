from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from app.access.deps import allow, public
from app.applicants.errors import ApplicantNotFound
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import SessionDep
from app.kit.errors import GUARDED, ValidationError, responses
from app.proofs import languages, service
from app.proofs.errors import (
    ApplicationClosed,
    DocumentDateInFuture,
    DocumentDateRequired,
    DocumentTooOld,
    ProofCheckNotFound,
    UnknownDocument,
)
from app.proofs.schemas import (
    DocumentRead,
    EligibilityRead,
    EligibilityRequest,
    ProofCheckCreate,
    ProofCheckRead,
    ProofSummary,
)

router = APIRouter(tags=["proofs"])

CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]


@router.get("/v1/documents", response_model=list[DocumentRead], dependencies=[Depends(public())])
def list_documents() -> list[DocumentRead]:
    """The documents the city accepts, their identity points and what each proves."""
    return service.documents()


@router.post(
    "/v1/eligibility",
    response_model=EligibilityRead,
    dependencies=[Depends(public())],
    responses=responses(ValidationError, UnknownDocument),
)
def check_eligibility(
    body: EligibilityRequest,
    response: Response,
    accept_language: Annotated[str | None, Header()] = None,
) -> EligibilityRead:
    """Public pre-check: would these documents be enough, and what is missing? Nothing is kept.
    Answered in Spanish or English as `Accept-Language` prefers (English by default)."""
    language = languages.negotiate(accept_language)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return service.eligibility(body, language)


@router.post(
    "/v1/applicants/{applicant_id}/proofs",
    status_code=201,
    response_model=ProofCheckRead,
    responses=responses(
        *GUARDED,
        ApplicantNotFound,
        ApplicationClosed,
        ValidationError,
        UnknownDocument,
        DocumentDateRequired,
        DocumentDateInFuture,
        DocumentTooOld,
    ),
)
def record_proof(
    session: SessionDep, staff: CounterStaff, applicant_id: str, body: ProofCheckCreate
) -> ProofCheckRead:
    """Record a document the clerk checked: its points and requirements, never the document."""
    return service.record(session, applicant_id, body, actor=staff.actor)


@router.get(
    "/v1/applicants/{applicant_id}/proofs",
    response_model=ProofSummary,
    responses=responses(*GUARDED, ApplicantNotFound),
)
def list_proofs(session: SessionDep, staff: CounterStaff, applicant_id: str) -> ProofSummary:
    """The proof checks recorded for an applicant, and what their documents still lack."""
    return service.summary(session, applicant_id, actor=staff.actor)


@router.delete(
    "/v1/applicants/{applicant_id}/proofs/{check_id}",
    status_code=204,
    response_class=Response,
    responses=responses(*GUARDED, ApplicantNotFound, ProofCheckNotFound, ApplicationClosed),
)
def withdraw_proof(
    session: SessionDep, staff: CounterStaff, applicant_id: str, check_id: str
) -> Response:
    """Withdraw a proof check recorded in error (before the decision)."""
    service.withdraw(session, applicant_id, check_id, actor=staff.actor)
    return Response(status_code=204)
