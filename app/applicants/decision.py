"""Approving (fee, waiver, card) or denying an application.

Four eyes: the clerk who registered an applicant cannot approve them, unless the setting
`allow_self_approval` says the branch has one person.

Waivers: the counter names why (hardship, senior, veteran, homeless, domestic_violence), but only
the coarse kind is kept: homelessness and domestic violence are recorded as "hardship", because
the city treats them as confidential and what is not stored cannot be demanded. The senior waiver
is automatic from `fee_senior_from_age` (nobody should have to ask for it), and refused when
asked for someone younger.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.applicants import repository
from app.applicants.errors import (
    AlreadyApproved,
    AlreadyDenied,
    FeeSettlementUnclear,
    RequirementsNotMet,
    SelfApprovalRefused,
    WaiverNotApplicable,
)
from app.applicants.models import Applicant, Decision
from app.applicants.schemas import (
    STORED_WAIVER,
    ApprovalRead,
    DenialRead,
    DenialReason,
    FeePaid,
    FeeWaiverReason,
    IssuedCard,
    StoredWaiver,
    check_fee_paid,
)
from app.applicants.service import find
from app.audit import service as audit
from app.cards.service import issue_card
from app.config import settings
from app.kit.dates import age_on
from app.kit.types import utcnow
from app.payments import fees
from app.proofs import repository as proofs_repository
from app.proofs.rules import missing_at_the_counter, missing_documents
from app.proofs.service import current_proofs


def _fee(age: int, reason: FeeWaiverReason | None) -> tuple[int, StoredWaiver | None]:
    if reason == "senior" and age < settings.fee_senior_from_age:
        raise WaiverNotApplicable(
            f"the senior waiver starts at age {settings.fee_senior_from_age}; "
            f"this applicant is {age}"
        )
    waiver = STORED_WAIVER[reason] if reason else None
    if waiver is None and age >= settings.fee_senior_from_age:
        waiver = "senior"
    if waiver is not None:
        return 0, waiver
    adult = age >= settings.fee_adult_from_age
    return (settings.fee_adult_cents if adult else settings.fee_minor_cents), None


def _refuse_unmet(session: Session, applicant: Applicant, age: int) -> None:
    today = utcnow().date()
    proofs = current_proofs(proofs_repository.for_applicant(session, applicant.id), today)
    unmet = missing_documents(proofs) + missing_at_the_counter(
        has_photo=repository.has_photo(session, applicant.id), age=age
    )
    if unmet:
        raise RequirementsNotMet(
            "the application does not meet every requirement yet: "
            + "; ".join(u.detail for u in unmet),
            extra={"unmet": [{"requirement": u.requirement, "detail": u.detail} for u in unmet]},
        )


def approve(
    session: Session,
    applicant_id: str,
    fee_waiver: FeeWaiverReason | None,
    *,
    actor: str,
    fee_paid: FeePaid | None = None,
) -> ApprovalRead:
    """Approve when every rule holds: record the fee or waiver and issue the card to print; a
    fee is taken in cash into the approving clerk's branch drawer."""
    try:
        # Checked here too, for callers (the console's pages) that do not go through the schema.
        check_fee_paid(fee_paid, fee_waiver)
    except ValueError as exc:
        raise FeeSettlementUnclear(str(exc)) from None
    applicant = find(session, applicant_id, for_update=True)
    if applicant.status == "approved":
        raise AlreadyApproved("this applicant is approved already; their card has been issued")
    if applicant.registered_by == actor and not settings.allow_self_approval:
        raise SelfApprovalRefused(
            "you registered this applicant, so another clerk or a supervisor must approve them"
        )
    age = age_on(applicant.date_of_birth, utcnow().date())
    fee_cents, waiver = _fee(age, fee_waiver)
    _refuse_unmet(session, applicant, age)
    card = issue_card(session, applicant, actor=actor, fee_cents=fee_cents, fee_waiver=waiver)
    fees.take_in_cash(session, card, "card", actor=actor)
    applicant.status = "approved"
    decision = Decision(
        applicant_id=applicant.id,
        outcome="approved",
        fee_cents=fee_cents,
        fee_waiver=waiver,
        card_id=card.id,
        decided_by=actor,
        decided_at=utcnow(),
    )
    repository.add(session, decision)
    audit.record(
        session,
        actor=actor,
        action="applicant.approve",
        subject=f"applicant:{applicant.id}",
        detail={"decision": decision.id, "card": card.id},
    )
    return ApprovalRead(
        applicant_id=applicant.id,
        decision_id=decision.id,
        card=IssuedCard(
            number=card.number,
            status=card.status,
            expires_on=card.expires_on,
            fee_cents=fee_cents,
            fee_waiver=waiver,
            fee_paid=fees.paid_how(fee_cents),
        ),
    )


def deny(session: Session, applicant_id: str, reason: DenialReason, *, actor: str) -> DenialRead:
    """Deny a pending application with a reason code; the applicant may come back and reapply."""
    applicant = find(session, applicant_id, for_update=True)
    if applicant.status == "approved":
        raise AlreadyApproved("this applicant is approved; revoke the card instead")
    if applicant.status == "denied":
        raise AlreadyDenied("this application is denied already")
    applicant.status = "denied"
    decision = Decision(
        applicant_id=applicant.id,
        outcome="denied",
        reason=reason,
        decided_by=actor,
        decided_at=utcnow(),
    )
    repository.add(session, decision)
    audit.record(
        session,
        actor=actor,
        action="applicant.deny",
        subject=f"applicant:{applicant.id}",
        detail={"decision": decision.id},
    )
    return DenialRead(
        applicant_id=applicant.id, decision_id=decision.id, status="denied", reason=reason
    )
