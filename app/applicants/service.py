"""Registering, reading, correcting and finding applicants (their photos: app.applicants.images).

Every write and every read of an applicant's record is noted in the audit trail, with ids and
field names only: never a name, an address or a search term.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.applicants import names, repository, search_repository
from app.applicants.errors import (
    ApplicantNotFound,
    SearchTooBroad,
)
from app.applicants.models import Applicant, ApplicantStatus
from app.applicants.schemas import (
    Address,
    AddressRead,
    ApplicantCreate,
    ApplicantCreated,
    ApplicantMatch,
    ApplicantRead,
    ApplicantUpdate,
    ApplicantWarning,
    EmergencyContact,
    EmergencyContactRead,
)
from app.audit import service as audit
from app.kit.errors import BadCursor
from app.kit.paging import Page, decode, page_of
from app.kit.types import utcnow

SEARCH_LIMIT = 50


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
        status=ApplicantStatus.PENDING,
        registered_by=actor,
        **_address_columns(body.address),
        **_language_columns(body.preferred_languages),
        **_contact_columns(body.emergency_contact),
    )
    repository.add(session, applicant)
    search_repository.index_name(session, applicant)
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


# What name search's words rows carry besides the words (app.applicants.search_repository).
_SEARCHED = {"given_name", "family_name", "date_of_birth"}


def correct(
    session: Session, applicant_id: str, body: ApplicantUpdate, *, actor: str
) -> tuple[ApplicantRead, list[str]]:
    """Change the fields sent; the audit trail names the fields changed, not their values.
    Answers the record and the columns changed (app.cards.corrections says what that means for
    the person's card)."""
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
    if _SEARCHED & set(changed):
        search_repository.index_name(session, applicant)
    audit.record(
        session,
        actor=actor,
        action="applicant.correct",
        subject=_subject(applicant.id),
        detail={"fields": sorted(changed)},
    )
    return to_read(session, applicant), changed


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
    rows = search_repository.search(
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
