"""The counter's decisions over HTTP: approving or denying an application, renewing or replacing
a card. Here, above applicants and cards, because each takes a fee and issues a card."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from app.access.deps import allow
from app.applicants.errors import (
    AlreadyApproved,
    AlreadyDenied,
    ApplicantNotFound,
    FeeSettlementUnclear,
    RequirementsNotMet,
    SelfApprovalRefused,
    WaiverNotApplicable,
)
from app.applicants.schemas import ApprovalRead, ApproveRequest, DenialRead, DenyRequest
from app.approvals import decision, renewals
from app.auth.principal import Principal
from app.auth.roles import Role
from app.cards import service as cards
from app.cards.errors import (
    CardExpired,
    CardNotFound,
    CardNotPrinted,
    CardRevoked,
    CardSuperseded,
    OutsideRenewalWindow,
)
from app.cards.schemas import CardRead, RenewRequest, ReplaceRequest
from app.db import SessionDep
from app.kit.errors import GUARDED, ValidationError, responses

router = APIRouter()

CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]


@router.post(
    "/v1/applicants/{applicant_id}/approve",
    tags=["applicants"],
    status_code=201,
    response_model=ApprovalRead,
    responses=responses(
        *GUARDED,
        SelfApprovalRefused,
        ApplicantNotFound,
        AlreadyApproved,
        RequirementsNotMet,
        ValidationError,
        WaiverNotApplicable,
        FeeSettlementUnclear,
    ),
)
def approve_applicant(
    session: SessionDep,
    staff: CounterStaff,
    applicant_id: str,
    body: Annotated[ApproveRequest | None, Body()] = None,
) -> ApprovalRead:
    """Approve when every rule holds (409 lists each unmet one); issues the card to print; 403
    for the clerk who registered the applicant (unless self-approval is allowed). A fee
    is taken in cash into the clerk's branch drawer (`fee_paid`), or waived (`fee_waiver`)."""
    waiver = body.fee_waiver if body else None
    paid = body.fee_paid if body else None
    return decision.approve(session, applicant_id, waiver, actor=staff.actor, fee_paid=paid)


@router.post(
    "/v1/applicants/{applicant_id}/deny",
    tags=["applicants"],
    response_model=DenialRead,
    responses=responses(
        *GUARDED, ApplicantNotFound, AlreadyApproved, AlreadyDenied, ValidationError
    ),
)
def deny_applicant(
    session: SessionDep, staff: CounterStaff, applicant_id: str, body: DenyRequest
) -> DenialRead:
    """Deny an application with a reason code."""
    return decision.deny(session, applicant_id, body.reason, actor=staff.actor)


@router.post(
    "/v1/cards/{number}/replace",
    tags=["cards"],
    status_code=201,
    response_model=CardRead,
    responses=responses(
        *GUARDED,
        CardNotFound,
        CardRevoked,
        CardExpired,
        CardNotPrinted,
        CardSuperseded,
        ValidationError,
        WaiverNotApplicable,
    ),
)
def replace_card(
    session: SessionDep, principal: CounterStaff, number: str, body: ReplaceRequest
) -> CardRead:
    """Revoke a card and issue its replacement: a new number, the same expiry, fee or waiver."""
    card = renewals.replace(session, number, body.reason, body.fee_waiver, actor=principal.actor)
    return cards.read(session, card)


@router.post(
    "/v1/cards/{number}/renew",
    tags=["cards"],
    status_code=201,
    response_model=CardRead,
    responses=responses(
        *GUARDED,
        CardNotFound,
        CardRevoked,
        CardNotPrinted,
        CardSuperseded,
        OutsideRenewalWindow,
        ValidationError,
        WaiverNotApplicable,
    ),
)
def renew_card(
    session: SessionDep,
    principal: CounterStaff,
    number: str,
    body: Annotated[RenewRequest | None, Body()] = None,
) -> CardRead:
    """Renew a card from 60 days before its expiry to 6 months after (409 outside, with dates)."""
    waiver = body.fee_waiver if body else None
    card = renewals.renew(session, number, waiver, actor=principal.actor)
    return cards.read(session, card)
