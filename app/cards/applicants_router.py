"""An applicant's routes whose answer depends on their cards: a correction (does the card need
replacing?) and the photo (a printer gets it only for a card in its queue). Here, not in
app/applicants, because cards sit above applicants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.access.deps import allow
from app.applicants import images
from app.applicants.errors import ApplicantNotFound, PhotoNotFound, PhotoNotInPrintQueue
from app.applicants.schemas import ApplicantCorrected, ApplicantUpdate
from app.auth.principal import Principal
from app.auth.roles import Role
from app.cards import corrections
from app.cards.printing import queue
from app.db import SessionDep
from app.kit.errors import GUARDED, ValidationError, responses

router = APIRouter(prefix="/v1/applicants", tags=["applicants"])

CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]
# The printer also needs the photo to print the card.
PhotoReaders = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR, Role.PRINTER))]


@router.patch(
    "/{applicant_id}",
    response_model=ApplicantCorrected,
    responses=responses(*GUARDED, ApplicantNotFound, ValidationError),
)
def correct_applicant(
    session: SessionDep, staff: CounterStaff, applicant_id: str, body: ApplicantUpdate
) -> ApplicantCorrected:
    """Correct an applicant's record: only the fields sent change; null clears optional ones.
    `card_needs_replacement` says a name or date of birth changed under an active card."""
    return corrections.correct(session, applicant_id, body, actor=staff.actor)


@router.get(
    "/{applicant_id}/photo",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}},
        **responses(*GUARDED, PhotoNotInPrintQueue, ApplicantNotFound, PhotoNotFound),
    },
)
def download_photo(session: SessionDep, staff: PhotoReaders, applicant_id: str) -> Response:
    """The applicant's normalised photo as JPEG."""
    if staff.role is Role.PRINTER:
        jpeg = queue.photo_for_printer(session, applicant_id, actor=staff.actor)
    else:
        jpeg = images.download_photo(session, applicant_id, actor=staff.actor)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
