"""A picture of the card an application would print, for the supervisor deciding on it.

The same renderer and document as the real card, with a number of zeros and a QR that says it is
a preview (nothing is signed): only the front is drawn, as a JPEG (quality 90: a PNG of it took
115 ms to compress, most of the page's time, for a picture the screen shows at 150 dpi).
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from sqlalchemy.orm import Session

from app.applicants import images
from app.applicants.models import Applicant
from app.cards.credentials import holder_gender
from app.cards.printing.documents import address_lines, emergency_contact
from app.cards.service import validity_end
from app.kit.types import utcnow
from cards.document import CardDocument
from cards.render import render_card
from cards.theme import load_theme

PREVIEW_NUMBER = "0" * 16
PREVIEW_QR = "PREVIEW - NOT A CARD"
# 300 dpi is the card's own resolution; the preview is drawn at half of it, 150 dpi, about the
# size the approval page shows it (506 x 319 pixels).
SCALE = 300 / 72


def card_preview_jpeg(session: Session, holder: Applicant) -> bytes:
    document = CardDocument(
        card_number=PREVIEW_NUMBER,
        given_name=holder.given_name,
        family_name=holder.family_name,
        date_of_birth=holder.date_of_birth,
        expires_on=validity_end(holder.date_of_birth, utcnow().date()),
        gender=holder_gender(holder),
        photo_jpeg=images.photo_jpeg(session, holder.id),
        address_lines=address_lines(holder),
        preferred_languages=[lang for lang in (holder.language_1, holder.language_2) if lang],
        emergency_contact=emergency_contact(holder),
        qr_text=PREVIEW_QR,
    )
    pdf = pdfium.PdfDocument(render_card(document, load_theme()))
    try:
        image = pdf[0].render(scale=SCALE / 2).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()
