from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.access.deps import allow
from app.applicants.errors import ApplicantNotFound
from app.auth.principal import Principal
from app.auth.roles import Role
from app.cards import listing, numbers, service
from app.cards.errors import CardExpired, CardNotFound, CardNotPrinted, CardRevoked, PrintJobOpen
from app.cards.printing import service as printing
from app.cards.printing.schemas import PrintJobRead
from app.cards.schemas import (
    CardList,
    CardRead,
    ReprintRequest,
    RevokeRequest,
)
from app.db import SessionDep
from app.kit.errors import GUARDED, ValidationError, responses

router = APIRouter(tags=["cards"])

# Counter staff act on cards; auditors may look but change nothing.
Readers = Annotated[
    Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN))
]
CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]


@router.get(
    "/v1/cards/{number}", response_model=CardRead, responses=responses(*GUARDED, CardNotFound)
)
def get_card(session: SessionDep, principal: Readers, number: str) -> CardRead:
    """A card by its number (spaces and dashes allowed); `expired` is computed from expires_on."""
    return service.read(session, service.get_card(session, number, actor=principal.actor))


@router.get(
    "/v1/applicants/{applicant_id}/cards",
    response_model=CardList,
    responses=responses(*GUARDED, ApplicantNotFound),
)
def applicant_cards(session: SessionDep, staff: CounterStaff, applicant_id: str) -> CardList:
    """A person's cards, newest first: number, status, expiry, when issued."""
    return listing.applicant_cards(session, applicant_id, actor=staff.actor)


@router.post(
    "/v1/cards/{number}/revoke",
    response_model=CardRead,
    responses=responses(*GUARDED, CardNotFound, CardRevoked, ValidationError),
)
def revoke_card(
    session: SessionDep, principal: CounterStaff, number: str, body: RevokeRequest
) -> CardRead:
    """Revoke a card (lost, stolen, damaged, ...): verifiers see it on the revocation list."""
    card = service.revoke(session, number, body.reason, actor=principal.actor)
    return service.read(session, card)


@router.post(
    "/v1/cards/{number}/reprint",
    status_code=201,
    response_model=PrintJobRead,
    responses=responses(
        *GUARDED,
        CardNotFound,
        CardRevoked,
        CardExpired,
        CardNotPrinted,
        PrintJobOpen,
        ValidationError,
    ),
)
def reprint_card(
    session: SessionDep, principal: CounterStaff, number: str, body: ReprintRequest
) -> PrintJobRead:
    """Queue another copy of an active card (misprint, jam); printing it activates nothing."""
    job = printing.reprint(session, number, body.reason, actor=principal.actor)
    return PrintJobRead.of(job, card_number=numbers.normalize(number))
