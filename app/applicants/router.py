from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

from app.access.deps import allow
from app.applicants import images, service
from app.applicants.errors import (
    ApplicantNotFound,
    NotAnImage,
    PhotoTooLarge,
    SearchTooBroad,
    SignatureNotFound,
)
from app.applicants.schemas import (
    ApplicantCreate,
    ApplicantCreated,
    ApplicantMatch,
    ApplicantRead,
    PhotoRead,
    SignatureRead,
)
from app.auth.principal import Principal
from app.auth.roles import Role
from app.config import settings
from app.db import SessionDep
from app.kit.bodylimit import max_body
from app.kit.bounds import DayQuery
from app.kit.errors import GUARDED, BadCursor, RequestTooLarge, ValidationError, responses
from app.kit.paging import CursorQuery, Page

router = APIRouter(prefix="/v1/applicants", tags=["applicants"])

# The full record is for counter staff; the printer also needs the signature for the card.
CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]
PhotoReaders = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR, Role.PRINTER))]


@router.post(
    "",
    status_code=201,
    response_model=ApplicantCreated,
    responses=responses(*GUARDED, ValidationError),
)
def register_applicant(
    session: SessionDep, staff: CounterStaff, body: ApplicantCreate
) -> ApplicantCreated:
    """Register an applicant; `warnings` names anyone already registered who looks alike."""
    return service.register(session, body, actor=staff.actor)


@router.get(
    "",
    response_model=Page[ApplicantMatch],
    responses=responses(*GUARDED, ValidationError, SearchTooBroad, BadCursor),
)
def search_applicants(
    session: SessionDep,
    staff: CounterStaff,
    name: Annotated[str | None, Query(max_length=200)] = None,
    date_of_birth: DayQuery = None,
    limit: Annotated[int, Query(ge=1, le=service.SEARCH_LIMIT)] = service.SEARCH_LIMIT,
    cursor: CursorQuery = None,
) -> Page[ApplicantMatch]:
    """Find applicants by name (any order, case and accents ignored) and/or date of birth, in
    name order, a page at a time."""
    return service.search(
        session, name, date_of_birth, actor=staff.actor, cursor=cursor, limit=limit
    )


@router.get(
    "/{applicant_id}",
    response_model=ApplicantRead,
    responses=responses(*GUARDED, ApplicantNotFound),
)
def read_applicant(session: SessionDep, staff: CounterStaff, applicant_id: str) -> ApplicantRead:
    """An applicant's full record (the read is written to the audit trail)."""
    return service.read(session, applicant_id, actor=staff.actor)


@router.put(
    "/{applicant_id}/photo",
    response_model=PhotoRead,
    responses=responses(
        *GUARDED, ApplicantNotFound, PhotoTooLarge, RequestTooLarge, ValidationError, NotAnImage
    ),
    openapi_extra=max_body(settings.body_max_bytes_photo),
)
def upload_photo(
    session: SessionDep,
    staff: CounterStaff,
    applicant_id: str,
    photo: Annotated[UploadFile, File(description="JPEG or PNG")],
) -> PhotoRead:
    """Upload the applicant's photo (multipart field `photo`): kept as a bare 600x800 JPEG."""
    data = photo.file.read(settings.photo_max_bytes + 1)
    if len(data) > settings.photo_max_bytes:
        raise PhotoTooLarge(f"the photo is larger than {settings.photo_max_bytes:,} bytes")
    return images.upload_photo(session, applicant_id, data, actor=staff.actor)


@router.put(
    "/{applicant_id}/signature",
    response_model=SignatureRead,
    responses=responses(
        *GUARDED, ApplicantNotFound, PhotoTooLarge, RequestTooLarge, ValidationError, NotAnImage
    ),
)
def upload_signature(
    session: SessionDep,
    staff: CounterStaff,
    applicant_id: str,
    signature: Annotated[UploadFile, File(description="PNG or JPEG: a scan or a pad's image")],
) -> SignatureRead:
    """Upload the applicant's signature (multipart field `signature`); it prints on the card."""
    data = signature.file.read(settings.photo_max_bytes + 1)
    if len(data) > settings.photo_max_bytes:
        raise PhotoTooLarge(f"the signature is larger than {settings.photo_max_bytes:,} bytes")
    return images.upload_signature(session, applicant_id, data, actor=staff.actor)


@router.get(
    "/{applicant_id}/signature",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}},
        **responses(*GUARDED, ApplicantNotFound, SignatureNotFound),
    },
)
def download_signature(session: SessionDep, staff: PhotoReaders, applicant_id: str) -> Response:
    """The applicant's signature as a PNG (ink on transparency)."""
    png = images.download_signature(session, applicant_id, actor=staff.actor)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
