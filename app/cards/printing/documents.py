"""From database rows to the renderer's plain document model, and on to PDF bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.applicants import images
from app.applicants import service as applicants
from app.applicants.models import Applicant
from app.cards.credentials import holder_gender, qr_text_for
from app.cards.models import Card
from app.cards.printing.schemas import BatchLayout
from app.config import settings
from app.kit.card_look import card_fonts, card_theme
from cards.batch import write_batch
from cards.document import CardDocument
from cards.render import render_sheet


def address_lines(holder: Applicant) -> list[str] | None:
    """What the card shows of the address: nothing at all when the holder asked for none or
    has none; "c/o" first when it is someone else's."""
    if not holder.address_on_card or holder.street is None:
        return None
    street = f"{holder.street}, {holder.unit}" if holder.unit else holder.street
    lines = [street, f"{holder.city} {holder.postal_code}"]
    return [f"c/o {holder.care_of}", *lines] if holder.care_of else lines


def emergency_contact(holder: Applicant) -> str | None:
    parts = [p for p in (holder.emergency_contact_name, holder.emergency_contact_phone) if p]
    return " ".join(parts) or None


def card_document(session: Session, card: Card) -> CardDocument:
    holder = applicants.find(session, card.applicant_id)
    return CardDocument(
        card_number=card.number,
        given_name=holder.given_name,
        family_name=holder.family_name,
        latin_name=holder.latin_name,
        date_of_birth=holder.date_of_birth,
        issued_on=card.issued_at.astimezone(ZoneInfo(settings.city_timezone)).date(),
        expires_on=card.expires_on,
        gender=holder_gender(holder),
        photo_jpeg=images.photo_jpeg(session, holder.id),
        signature_image=images.signature_png(session, holder.id),
        address_lines=address_lines(holder),
        preferred_languages=[lang for lang in (holder.language_1, holder.language_2) if lang],
        emergency_contact=emergency_contact(holder),
        qr_text=qr_text_for(session, card),
    )


def render_cards(session: Session, cards: Sequence[Card], *, layout: BatchLayout) -> bytes:
    """One PDF: CR80 pages (front, back per card) or Letter sheets of ten cards to cut."""
    theme, fonts = card_theme(), card_fonts()
    if layout == "sheet":
        return render_sheet([card_document(session, card) for card in cards], theme, fonts)
    out = io.BytesIO()
    # Documents made as the renderer takes them: a chunk's photos at a time, not the batch's.
    write_batch((card_document(session, card) for card in cards), theme, out, fonts)
    return out.getvalue()
