"""Checking documents against the catalog: the public pre-check and the clerk's proof checks.

A stored check keeps the points and requirements a document met, the clerk and the time. The
document's code is used while the request runs and then forgotten: it is in no row, no audit
detail, no log line and no error message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.applicants import service as applicants
from app.applicants.models import Applicant, ApplicantStatus
from app.audit import service as audit
from app.config import settings
from app.kit.types import utcnow
from app.proofs import languages, repository
from app.proofs.catalog import Document, load_catalog
from app.proofs.errors import (
    ApplicationClosed,
    DocumentDateInFuture,
    DocumentDateRequired,
    DocumentTooOld,
    ProofCheckNotFound,
    UnknownDocument,
)
from app.proofs.languages import DEFAULT, Language
from app.proofs.models import ProofCheck
from app.proofs.rules import Proof, Unmet, missing_documents
from app.proofs.schemas import (
    DocumentRead,
    EligibilityRead,
    EligibilityRequest,
    NamedDocument,
    ProofCheckCreate,
    ProofCheckRead,
    ProofSummary,
    Requirement,
)

# A document dated tomorrow is a typo or a time zone; later than that is refused.
FUTURE_TOLERANCE = timedelta(days=1)


def documents() -> list[DocumentRead]:
    return [DocumentRead.model_validate(d, from_attributes=True) for d in load_catalog().documents]


def _requirements(unmet: Iterable[Unmet]) -> list[Requirement]:
    return [Requirement(requirement=u.requirement, detail=u.detail) for u in unmet]


def _as_proof(document: Document) -> Proof:
    return Proof(
        identity_points=document.identity_points,
        shows_photo=document.shows_photo,
        shows_date_of_birth=document.shows_date_of_birth,
        proves_residency=document.proves_residency,
    )


def eligibility(body: EligibilityRequest, language: Language = DEFAULT) -> EligibilityRead:
    """Would these documents be enough? A document named twice counts once. Answered in
    `language`: what is missing, the reminders and the documents' names."""
    catalog = load_catalog()
    unknown = [i for i, code in enumerate(body.documents) if catalog.find(code) is None]
    if unknown:
        where = ", ".join(f"documents[{i}]" for i in unknown)
        raise UnknownDocument(languages.unknown_documents(where, language))
    chosen = [d for d in (catalog.find(code) for code in dict.fromkeys(body.documents)) if d]
    proofs = [_as_proof(d) for d in chosen]
    points = sum(p.identity_points for p in proofs)
    unmet = missing_documents(proofs)
    return EligibilityRead(
        eligible=not unmet,
        missing=[
            Requirement(
                requirement=u.requirement,
                detail=languages.requirement(u.requirement, language, points=points),
            )
            for u in unmet
        ],
        identity_points=points,
        identity_points_needed=settings.min_identity_points,
        reminders=languages.reminders(language),
        language=language,
        documents=[
            NamedDocument(code=d.code, name=d.name_es if language == "es" else d.name_en)
            for d in chosen
        ],
    )


def _residency_until(document: Document, document_date: date | None, today: date) -> date | None:
    """The last day this document counts as recent proof of residency (None: it does not)."""
    if not document.proves_residency:
        return None
    if document.max_age_days is None:
        # Valid while current (a lease): counts for as long as any recent proof would.
        return today + timedelta(days=settings.residency_max_age_days)
    if document_date is None:
        raise DocumentDateRequired("document_date is required for this document: its age matters")
    max_age = min(document.max_age_days, settings.residency_max_age_days)
    return document_date + timedelta(days=max_age)


def _open_application(session: Session, applicant_id: str) -> Applicant:
    applicant = applicants.find(session, applicant_id, for_update=True)
    if applicant.status == ApplicantStatus.APPROVED:
        raise ApplicationClosed("the applicant is approved already: proofs no longer change it")
    return applicant


def record(
    session: Session, applicant_id: str, body: ProofCheckCreate, *, actor: str
) -> ProofCheckRead:
    """Note what a document proves for this applicant, forgetting which document it was."""
    applicant = _open_application(session, applicant_id)
    document = load_catalog().find(body.document)
    if document is None:
        raise UnknownDocument("document: not in the document catalog (see GET /v1/documents)")
    today = utcnow().date()
    if body.document_date is not None and body.document_date > today + FUTURE_TOLERANCE:
        raise DocumentDateInFuture("document_date is in the future")
    until = _residency_until(document, body.document_date, today)
    proves_residency = until is not None and until >= today
    if document.identity_points == 0 and not proves_residency:
        raise DocumentTooOld(
            "document_date is too long ago for this document to prove residency; "
            "ask for a more recent one"
        )
    check = ProofCheck(
        applicant_id=applicant.id,
        identity_points=document.identity_points,
        shows_photo=document.shows_photo,
        shows_date_of_birth=document.shows_date_of_birth,
        proves_residency=proves_residency,
        residency_valid_until=until if proves_residency else None,
        checked_by=actor,
        checked_at=utcnow(),
    )
    repository.add(session, check)
    audit.record(
        session,
        actor=actor,
        action="proof.check",
        subject=f"applicant:{applicant.id}",
        detail={"check": check.id},
    )
    return ProofCheckRead.model_validate(check)


def current_proofs(checks: Iterable[ProofCheck], today: date) -> list[Proof]:
    """Stored checks as the rules see them today: an old residency proof no longer counts."""
    return [
        Proof(
            identity_points=c.identity_points,
            shows_photo=c.shows_photo,
            shows_date_of_birth=c.shows_date_of_birth,
            proves_residency=c.proves_residency
            and c.residency_valid_until is not None
            and c.residency_valid_until >= today,
        )
        for c in checks
    ]


def _summary(checks: list[ProofCheck], today: date) -> ProofSummary:
    proofs = current_proofs(checks, today)
    return ProofSummary(
        checks=[ProofCheckRead.model_validate(c) for c in checks],
        identity_points=sum(p.identity_points for p in proofs),
        missing=_requirements(missing_documents(proofs)),
    )


def summary(session: Session, applicant_id: str, *, actor: str) -> ProofSummary:
    applicant = applicants.find(session, applicant_id)
    checks = repository.for_applicant(session, applicant.id)
    audit.record(session, actor=actor, action="proof.read", subject=f"applicant:{applicant.id}")
    return _summary(checks, utcnow().date())


def summaries(
    session: Session, found: Sequence[Applicant], *, actor: str
) -> dict[str, ProofSummary]:
    """`summary` of each applicant found (the supervisor's queue), their checks read at once."""
    checks = repository.for_applicants(session, [a.id for a in found])
    today = utcnow().date()
    out = {}
    for applicant in found:
        audit.record(session, actor=actor, action="proof.read", subject=f"applicant:{applicant.id}")
        out[applicant.id] = _summary(checks.get(applicant.id, []), today)
    return out


def withdraw(session: Session, applicant_id: str, check_id: str, *, actor: str) -> None:
    """Remove a check recorded in error (the wrong document picked, the same one twice)."""
    applicant = _open_application(session, applicant_id)
    check = repository.get(session, applicant.id, check_id)
    if check is None:
        raise ProofCheckNotFound("this applicant has no proof check with this id")
    repository.delete(session, check)
    audit.record(
        session,
        actor=actor,
        action="proof.withdraw",
        subject=f"applicant:{applicant.id}",
        detail={"check": check_id},
    )
