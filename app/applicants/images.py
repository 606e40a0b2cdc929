"""The applicant's photo and signature: checked and normalised on upload, kept to print the card.

Every upload and download is noted in the audit trail (sizes only); the card renderer reads them
without a note, as the print itself is audited.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from app.applicants import repository
from app.applicants.errors import NotAnImage, PhotoNotFound, SignatureNotFound
from app.applicants.models import Photo, Signature
from app.applicants.photos import PhotoRejected, normalise
from app.applicants.schemas import PhotoRead, SignatureRead
from app.applicants.service import find
from app.applicants.signatures import normalise_signature
from app.audit import service as audit
from app.config import settings
from app.kit.types import utcnow

_DECODING = threading.BoundedSemaphore(settings.photo_decode_concurrency)


def _subject(applicant_id: str) -> str:
    return f"applicant:{applicant_id}"


def upload_photo(session: Session, applicant_id: str, data: bytes, *, actor: str) -> PhotoRead:
    """Check, normalise and keep the applicant's photo, replacing any earlier one."""
    # Decoded before the applicant's row is locked, and only a few at a time: a decode is the
    # one step whose memory grows with the upload.
    with _DECODING:
        try:
            portrait = normalise(data, max_pixels=settings.photo_max_pixels)
        except PhotoRejected as exc:
            raise NotAnImage(str(exc)) from exc
    applicant = find(session, applicant_id, for_update=True)
    photo = Photo(
        applicant_id=applicant.id,
        jpeg=portrait.jpeg,
        width=portrait.width,
        height=portrait.height,
        uploaded_by=actor,
        uploaded_at=utcnow(),
    )
    repository.replace_photo(session, photo)
    audit.record(
        session,
        actor=actor,
        action="applicant.photo.upload",
        subject=_subject(applicant.id),
        detail={"bytes": len(portrait.jpeg)},
    )
    return _photo_read(photo)


def _photo_read(photo: Photo) -> PhotoRead:
    return PhotoRead(
        applicant_id=photo.applicant_id,
        width=photo.width,
        height=photo.height,
        size_bytes=len(photo.jpeg),
        uploaded_at=photo.uploaded_at,
    )


def download_photo(session: Session, applicant_id: str, *, actor: str) -> bytes:
    """The photo (for the printer role, app.cards.printing.queue.photo_for_printer first checks
    that a card of the applicant waits in the print queue)."""
    applicant = find(session, applicant_id)
    photo = repository.photo(session, applicant.id)
    if photo is None:
        raise PhotoNotFound("this applicant has no photo yet")
    audit.record(
        session, actor=actor, action="applicant.photo.read", subject=_subject(applicant.id)
    )
    return photo.jpeg


def photo_jpeg(session: Session, applicant_id: str) -> bytes | None:
    """The normalised JPEG for the card renderer (which audits the print itself), or None."""
    photo = repository.photo(session, applicant_id)
    return photo.jpeg if photo else None


def upload_signature(
    session: Session, applicant_id: str, data: bytes, *, actor: str
) -> SignatureRead:
    """Keep the applicant's signature as ink on transparency, replacing any earlier one."""
    applicant = find(session, applicant_id, for_update=True)
    try:
        png, width, height = normalise_signature(data, max_pixels=settings.photo_max_pixels)
    except PhotoRejected as exc:
        raise NotAnImage(str(exc)) from exc
    signature = Signature(
        applicant_id=applicant.id, png=png, uploaded_by=actor, uploaded_at=utcnow()
    )
    repository.replace_signature(session, signature)
    audit.record(
        session,
        actor=actor,
        action="applicant.signature.upload",
        subject=_subject(applicant.id),
        detail={"bytes": len(png)},
    )
    return SignatureRead(
        applicant_id=applicant.id,
        width=width,
        height=height,
        size_bytes=len(png),
        uploaded_at=signature.uploaded_at,
    )


def download_signature(session: Session, applicant_id: str, *, actor: str) -> bytes:
    applicant = find(session, applicant_id)
    signature = repository.signature(session, applicant.id)
    if signature is None:
        raise SignatureNotFound("this applicant has no signature on file")
    audit.record(
        session, actor=actor, action="applicant.signature.read", subject=_subject(applicant.id)
    )
    return signature.png


def signature_png(session: Session, applicant_id: str) -> bytes | None:
    """The signature for the card renderer, or None (the card then shows no signature)."""
    signature = repository.signature(session, applicant_id)
    return signature.png if signature else None
