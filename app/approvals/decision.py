"""Approving (fee, waiver, card) or denying an application.

Four eyes: the clerk who registered an applicant cannot approve them, unless the setting
`allow_self_approval` says the branch has one person. The fee and its waivers follow
app.approvals.fees; the requirements, app.proofs.rules.
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
)
from app.applicants.models import Applicant, ApplicantStatus, Decision, DecisionOutcome
from app.applicants.schemas import (
    ApprovalRead,
    DenialRead,
    DenialReason,
    FeePaid,
    FeeWaiverReason,
    IssuedCard,
    check_fee_paid,
)
from app.applicants.service import find
from app.approvals.fees import fee_for
from app.audit import service as audit
from app.cards.models import Card
from app.cards.service import issue_card
from app.config import settings
from app.kit.dates import age_on
from app.kit.types import utcnow
from app.payments import fees as payment_fees
from app.proofs import repository as proofs_repository
from app.proofs.rules import missing_at_the_counter, missing_documents
from app.proofs.service import current_proofs


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


def _open_for(session: Session, applicant_id: str, actor: str) -> Applicant:
    """The applicant, locked, when `actor` may approve them."""
    applicant = find(session, applicant_id, for_update=True)
    if applicant.status == ApplicantStatus.APPROVED:
        raise AlreadyApproved("this applicant is approved already; their card has been issued")
    if applicant.registered_by == actor and not settings.allow_self_approval:
        raise SelfApprovalRefused(
            "you registered this applicant, so another clerk or a supervisor must approve them"
        )
    return applicant


def _decide(
    session: Session, applicant: Applicant, decision: Decision, action: str, *, actor: str
) -> Decision:
    """Keep the decision and note it in the audit trail, with the card when one was issued."""
    repository.add(session, decision)
    detail = {"decision": decision.id}
    if decision.card_id is not None:
        detail["card"] = decision.card_id
    audit.record(
        session, actor=actor, action=action, subject=f"applicant:{applicant.id}", detail=detail
    )
    return decision


def _record(session: Session, applicant: Applicant, card: Card, *, actor: str) -> Decision:
    applicant.status = ApplicantStatus.APPROVED
    decision = Decision(
        applicant_id=applicant.id,
        outcome=DecisionOutcome.APPROVED,
        fee_cents=card.fee_cents,
        fee_waiver=card.fee_waiver,
        card_id=card.id,
        decided_by=actor,
        decided_at=utcnow(),
    )
    return _decide(session, applicant, decision, "applicant.approve", actor=actor)


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
    applicant = _open_for(session, applicant_id, actor)
    age = age_on(applicant.date_of_birth, utcnow().date())
    fee_cents, waiver = fee_for(
        applicant.date_of_birth, utcnow().date(), fee_waiver, who="this applicant"
    )
    _refuse_unmet(session, applicant, age)
    card = issue_card(session, applicant, actor=actor, fee_cents=fee_cents, fee_waiver=waiver)
    payment_fees.take_in_cash(session, card, "card", actor=actor)
    decision = _record(session, applicant, card, actor=actor)
    return ApprovalRead(
        applicant_id=applicant.id,
        decision_id=decision.id,
        card=IssuedCard(
            number=card.number,
            status=card.status,
            expires_on=card.expires_on,
            fee_cents=fee_cents,
            fee_waiver=waiver,
            fee_paid=payment_fees.paid_how(fee_cents),
        ),
    )


def deny(session: Session, applicant_id: str, reason: DenialReason, *, actor: str) -> DenialRead:
    """Deny a pending application with a reason code; the applicant may come back and reapply."""
    applicant = find(session, applicant_id, for_update=True)
    if applicant.status == ApplicantStatus.APPROVED:
        raise AlreadyApproved("this applicant is approved; revoke the card instead")
    if applicant.status == ApplicantStatus.DENIED:
        raise AlreadyDenied("this application is denied already")
    applicant.status = ApplicantStatus.DENIED
    decision = Decision(
        applicant_id=applicant.id,
        outcome=DecisionOutcome.DENIED,
        reason=reason,
        decided_by=actor,
        decided_at=utcnow(),
    )
    _decide(session, applicant, decision, "applicant.deny", actor=actor)
    return DenialRead(
        applicant_id=applicant.id,
        decision_id=decision.id,
        status=ApplicantStatus.DENIED,
        reason=reason,
    )
