"""Registering, reading, correcting and finding applicants, and their photos.

Every write and every read of an applicant's record is noted in the audit trail, with ids and
field names only: never a name, an address or a search term.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.applicants import names, repository
from app.applicants.errors import (
    ApplicantNotFound,
    NotAnImage,
    PhotoNotFound,
    PhotoNotInPrintQueue,
    SearchTooBroad,
    SignatureNotFound,
)
from app.applicants.models import Applicant, Photo, Signature
from app.applicants.photos import PhotoRejected, normalise
from app.applicants.schemas import (
    Address,
    AddressRead,
    ApplicantCorrected,
    ApplicantCreate,
    ApplicantCreated,
    ApplicantMatch,
    ApplicantRead,
    ApplicantUpdate,
    ApplicantWarning,
    EmergencyContact,
    EmergencyContactRead,
    PhotoRead,
    SignatureRead,
)
from app.applicants.signatures import normalise_signature
from app.audit import service as audit
from app.cards.service import cards_of_applicant, effective_status
from app.config import settings
from app.kit.paging import BadCursor, Page, decode, page_of
from app.kit.types import utcnow

SEARCH_LIMIT = 50
_DECODING = threading.BoundedSemaphore(settings.photo_decode_concurrency)
# What a card prints (and its QR signs) of the record: a change to one outdates the card.
PRINTED_FIELDS = frozenset({"given_name", "family_name", "date_of_birth"})


def _subject(applicant_id: str) -> str:
    return f"applicant:{applicant_id}"


def find(session: Session, applicant_id: str, *, for_update: bool = False) -> Applicant:
    applicant = repository.get(session, applicant_id, for_update=for_update)
    if applicant is None:
        raise ApplicantNotFound("no applicant has this id")
    return applicant


def to_read(session: Session, applicant: Applicant) -> ApplicantRead:
    contact = None
    if applicant.emergency_contact_name or applicant.emergency_contact_phone:
        contact = EmergencyContactRead(
            name=applicant.emergency_contact_name, phone=applicant.emergency_contact_phone
        )
    return ApplicantRead(
        id=applicant.id,
        given_name=applicant.given_name,
        family_name=applicant.family_name,
        latin_name=applicant.latin_name,
        date_of_birth=applicant.date_of_birth,
        address=_address(applicant),
        address_on_card=applicant.address_on_card,
        phone=applicant.phone,
        email=applicant.email,
        preferred_languages=[x for x in (applicant.language_1, applicant.language_2) if x],
        gender=applicant.gender,
        emergency_contact=contact,
        status=applicant.status,
        has_photo=repository.has_photo(session, applicant.id),
        has_signature=repository.signature(session, applicant.id) is not None,
        created_at=applicant.created_at,
        updated_at=applicant.updated_at,
    )


def _address(applicant: Applicant) -> AddressRead | None:
    if applicant.street is None or applicant.city is None or applicant.postal_code is None:
        return None  # registered without an address (all three are set or none is)
    return AddressRead(
        care_of=applicant.care_of,
        street=applicant.street,
        unit=applicant.unit,
        city=applicant.city,
        postal_code=applicant.postal_code,
    )


def _address_columns(address: Address | None) -> dict[str, Any]:
    return {
        "care_of": address.care_of if address else None,
        "street": address.street if address else None,
        "unit": address.unit if address else None,
        "city": address.city if address else None,
        "postal_code": address.postal_code if address else None,
    }


def _language_columns(languages: list[str] | None) -> dict[str, Any]:
    chosen = list(dict.fromkeys(languages or []))  # a language named twice is kept once
    return {
        "language_1": chosen[0] if chosen else None,
        "language_2": chosen[1] if len(chosen) > 1 else None,
    }


def _contact_columns(contact: EmergencyContact | None) -> dict[str, Any]:
    return {
        "emergency_contact_name": contact.name if contact else None,
        "emergency_contact_phone": contact.phone if contact else None,
    }


def _look_alikes(session: Session, skeleton: str, born: date, *, exclude: str) -> list[Applicant]:
    # Compared by skeleton: a name typed with Cyrillic or Greek look-alikes is still alike.
    return [
        other
        for other in repository.born_on(session, born)
        if other.id != exclude and names.look_alike(other.name_skeleton, skeleton)
    ]


def register(session: Session, body: ApplicantCreate, *, actor: str) -> ApplicantCreated:
    """A new applicant, pending; warns (does not refuse) when someone alike is registered."""
    given_name = body.given_name or ""
    applicant = Applicant(
        given_name=given_name,
        family_name=body.family_name,
        latin_name=body.latin_name,
        name_key=names.name_key(given_name, body.family_name),
        name_skeleton=names.name_skeleton(given_name, body.family_name),
        date_of_birth=body.date_of_birth,
        address_on_card=body.address_on_card,
        phone=body.phone,
        email=body.email,
        gender=body.gender,
        status="pending",
        registered_by=actor,
        **_address_columns(body.address),
        **_language_columns(body.preferred_languages),
        **_contact_columns(body.emergency_contact),
    )
    repository.add(session, applicant)
    alike = _look_alikes(
        session, applicant.name_skeleton, applicant.date_of_birth, exclude=applicant.id
    )
    audit.record(
        session,
        actor=actor,
        action="applicant.create",
        subject=_subject(applicant.id),
        detail={"possible_duplicates": [a.id for a in alike]},
    )
    warnings = [
        ApplicantWarning(
            code="possible_duplicate",
            applicant_id=other.id,
            detail="an applicant with the same date of birth and a similar name is registered",
        )
        for other in alike
    ]
    return ApplicantCreated(**to_read(session, applicant).model_dump(), warnings=warnings)


def read(session: Session, applicant_id: str, *, actor: str) -> ApplicantRead:
    applicant = find(session, applicant_id)
    audit.record(session, actor=actor, action="applicant.read", subject=_subject(applicant.id))
    return to_read(session, applicant)


def _changes(body: ApplicantUpdate) -> dict[str, Any]:
    sent = body.model_fields_set
    columns: dict[str, Any] = {}
    for field in ("family_name", "latin_name", "date_of_birth", "phone", "email", "gender"):
        if field in sent:
            columns[field] = getattr(body, field)
    if "given_name" in sent:
        columns["given_name"] = body.given_name or ""
    if "address_on_card" in sent:
        columns["address_on_card"] = body.address_on_card
    if "address" in sent:  # null clears it: the person no longer has a fixed address
        columns.update(_address_columns(body.address))
    if "preferred_languages" in sent:
        columns.update(_language_columns(body.preferred_languages))
    if "emergency_contact" in sent:
        columns.update(_contact_columns(body.emergency_contact))
    return columns


def _card_needs_replacement(session: Session, applicant_id: str, changed: list[str]) -> bool:
    if not PRINTED_FIELDS.intersection(changed):
        return False
    today = utcnow().date()
    return any(
        effective_status(card, today) == "active"
        for card in cards_of_applicant(session, applicant_id)
    )


def correct(
    session: Session, applicant_id: str, body: ApplicantUpdate, *, actor: str
) -> ApplicantCorrected:
    """Change the fields sent; the audit trail names the fields changed, not their values. Says
    whether an active card now shows a name or a date of birth that is no longer right."""
    applicant = find(session, applicant_id, for_update=True)
    changed: list[str] = []
    for column, value in _changes(body).items():
        if getattr(applicant, column) != value:
            setattr(applicant, column, value)
            changed.append(column)
    if changed:
        applicant.name_key = names.name_key(applicant.given_name, applicant.family_name)
        applicant.name_skeleton = names.name_skeleton(applicant.given_name, applicant.family_name)
        applicant.updated_at = utcnow()
        session.flush()
    audit.record(
        session,
        actor=actor,
        action="applicant.correct",
        subject=_subject(applicant.id),
        detail={"fields": sorted(changed)},
    )
    return ApplicantCorrected(
        **to_read(session, applicant).model_dump(),
        card_needs_replacement=_card_needs_replacement(session, applicant.id, changed),
    )


def search(
    session: Session,
    name: str | None,
    date_of_birth: date | None,
    *,
    actor: str,
    cursor: str | None = None,
    limit: int = SEARCH_LIMIT,
) -> Page[ApplicantMatch]:
    """By name (any order, any case, with or without accents) and/or date of birth, in name
    order, a page at a time."""
    words = names.query_words(name or "")
    if not words and date_of_birth is None:
        raise SearchTooBroad("search by name, by date of birth, or both")
    rows = repository.search(
        session,
        words=words,
        skeletons=names.query_skeletons(name or ""),
        date_of_birth=date_of_birth,
        after=_search_key(decode(cursor, 3)),
        limit=limit,
    )
    found, next_cursor = page_of(
        rows, limit, lambda a: [a.name_key, a.date_of_birth.isoformat(), a.id]
    )
    audit.record(
        session,
        actor=actor,
        action="applicant.search",
        subject="applicants",
        detail={
            "by": [f for f, v in (("name", words), ("date_of_birth", date_of_birth)) if v],
            "results": [a.id for a in found],
        },
    )
    return Page(items=[ApplicantMatch.model_validate(a) for a in found], next_cursor=next_cursor)


def _search_key(key: list[Any] | None) -> tuple[str, date, str] | None:
    try:
        return None if key is None else (str(key[0]), date.fromisoformat(str(key[1])), str(key[2]))
    except ValueError as exc:
        raise BadCursor("cursor: not a cursor this server gave") from exc


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


def download_photo(
    session: Session, applicant_id: str, *, actor: str, queued_cards_only: bool = False
) -> bytes:
    """The photo; with `queued_cards_only` (the printer role) only while a card of the applicant
    waits in the print queue, so a print station cannot collect everyone's photo."""
    applicant = find(session, applicant_id)
    if queued_cards_only and not repository.has_queued_print_job(session, applicant.id):
        raise PhotoNotInPrintQueue("the printer gets a photo only for a card in its print queue")
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
