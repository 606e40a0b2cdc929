"""The card as a PDF: two CR80 pages (front, back) for duplex card printers, a batch of cards,
or Letter sheets of ten for perforated card stock. Geometry is in millimetres.

Front: the city's band and seal; photo and, beside it, a ghost of the photo; the name in any
script (with the name in Latin letters under it when the holder gave one); dates; the card
number, signature and microtext along the bottom. Back: address, languages, emergency contact
and the return address beside the QR; the card number as a Codabar library barcode below.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cards import security, streams
from cards.barcode import draw_codabar
from cards.document import CardDocument
from cards.fonts import FontSet, default_fonts
from cards.languages import endonyms
from cards.layout import LINE_HEIGHT, Pen, Style, fit
from cards.pictures import draw_ghost, draw_picture, draw_seal
from cards.qr import QrMatrix, qr_matrix
from cards.qr_drawing import QR_BOX, draw_qr
from cards.theme import Theme

# PDFs go to printers and browsers, never through 7-bit channels: reportlab's default of wrapping
# every stream (photos included) in ASCII85 made each card 25% larger and slower to write.
rl_config.useA85 = 0
streams.install()

CARD_WIDTH = 85.60 * mm
CARD_HEIGHT = 53.98 * mm
MARGIN = 3.5 * mm
HEADER_HEIGHT = 9.5 * mm
STRIPE_HEIGHT = 1.4 * mm
PHOTO_WIDTH = 21.0 * mm
PHOTO_HEIGHT = 28.0 * mm  # 3:4 portrait, as the app crops it
PHOTO_TOP = CARD_HEIGHT - HEADER_HEIGHT - 2.5 * mm
TEXT_LEFT = MARGIN + PHOTO_WIDTH + 3.0 * mm
TEXT_WIDTH = CARD_WIDTH - TEXT_LEFT - MARGIN
TEXT_TOP = CARD_HEIGHT - HEADER_HEIGHT - 1.5 * mm
# The name's boxes, top down from TEXT_TOP: family name, given name, name in Latin letters.
FAMILY_BOX = 8.5 * mm
GIVEN_BOX = 6.0 * mm
LATIN_BOX = 3.6 * mm
NAME_BOTTOM = TEXT_TOP - FAMILY_BOX - GIVEN_BOX - LATIN_BOX
FIELDS_TOP = NAME_BOTTOM - 0.4 * mm
# The bottom band of the front: number under the photo, signature, ghost at the right edge.
BAND_BOTTOM = STRIPE_HEIGHT + 1.2 * mm
GHOST_WIDTH = 8.4 * mm
GHOST_HEIGHT = GHOST_WIDTH * 4 / 3
SIGNATURE_LEFT = 36.0 * mm
SIGNATURE_WIDTH = 26.0 * mm
SIGNATURE_HEIGHT = 7.0 * mm
# The back: the QR at the top right, the barcode across the bottom.
QR_RIGHT_MARGIN = 2.5 * mm
QR_TOP_MARGIN = 1.5 * mm
BARCODE_BOTTOM = STRIPE_HEIGHT + 3.6 * mm
BARCODE_HEIGHT = 5.6 * mm
BARCODE_NARROW = 0.254 * mm  # 10 mil: what library desk scanners read best
MICROTEXT_Y = STRIPE_HEIGHT + 0.1 * mm


def _ground(pen: Pen) -> None:
    pen.colour(pen.theme.background)
    pen.c.rect(0, 0, CARD_WIDTH, CARD_HEIGHT, stroke=0, fill=1)
    security.place(pen.c, security.GUILLOCHE_FORM)
    pen.colour(pen.theme.accent)
    pen.c.rect(0, 0, CARD_WIDTH, STRIPE_HEIGHT, stroke=0, fill=1)
    security.place(pen.c, security.MICROTEXT_FORM, 0, MICROTEXT_Y)


def _header(pen: Pen) -> None:
    theme = pen.theme
    pen.colour(theme.primary)
    pen.c.rect(0, CARD_HEIGHT - HEADER_HEIGHT, CARD_WIDTH, HEADER_HEIGHT, stroke=0, fill=1)
    seal = HEADER_HEIGHT * 0.84
    draw_seal(
        pen.c,
        theme,
        pen.bold,
        CARD_WIDTH - MARGIN - seal,
        CARD_HEIGHT - HEADER_HEIGHT + (HEADER_HEIGHT - seal) / 2,
        seal,
    )
    pen.colour(theme.background)
    width = CARD_WIDTH - 2 * MARGIN - seal - 2 * mm
    y = pen.text(
        theme.city_name,
        pen.bold,
        MARGIN,
        CARD_HEIGHT - 1.0 * mm,
        width=width,
        height=11,
        largest=8.5,
        smallest=5,
    )
    pen.text(
        theme.card_title, pen.regular, MARGIN, y, width=width, height=8, largest=5.5, smallest=3.6
    )


def _photo(pen: Pen, doc: CardDocument) -> None:
    x, y = MARGIN, PHOTO_TOP - PHOTO_HEIGHT
    if doc.photo_jpeg:
        draw_picture(pen.c, doc.photo_jpeg, x, y, PHOTO_WIDTH, PHOTO_HEIGHT)
        draw_ghost(
            pen.c,
            doc.photo_jpeg,
            pen.theme,
            CARD_WIDTH - MARGIN - GHOST_WIDTH,
            BAND_BOTTOM,
            GHOST_WIDTH,
            GHOST_HEIGHT,
        )
    else:
        pen.colour("#E6E9EC")
        pen.c.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=0, fill=1)
    pen.c.setStrokeColor(HexColor(pen.theme.primary))
    pen.c.setLineWidth(0.6)
    pen.c.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=1, fill=0)


def _name(pen: Pen, doc: CardDocument) -> None:
    pen.colour(pen.theme.text)
    y = TEXT_TOP
    family = doc.family_name.strip()
    given = doc.given_name.strip()
    y = pen.text(
        family, pen.bold, TEXT_LEFT, y, width=TEXT_WIDTH, height=FAMILY_BOX, largest=11, smallest=4
    )
    if given:  # a mononym prints once, on the family line
        y = pen.text(
            given,
            pen.regular,
            TEXT_LEFT,
            y,
            width=TEXT_WIDTH,
            height=GIVEN_BOX,
            largest=9,
            smallest=4,
        )
    if doc.latin_name:
        pen.colour(pen.theme.muted)
        pen.text(
            doc.latin_name,
            pen.regular,
            TEXT_LEFT,
            y,
            width=TEXT_WIDTH,
            height=LATIN_BOX,
            largest=6.5,
            smallest=3.6,
        )


def draw_front(pen: Pen, doc: CardDocument) -> None:
    theme, labels = pen.theme, pen.theme.labels
    _ground(pen)
    _header(pen)
    _photo(pen, doc)
    _name(pen, doc)
    # The fields sit below the name's largest boxes whatever the name, as on any ID.
    y = FIELDS_TOP
    half = (TEXT_WIDTH - 2 * mm) / 2
    right = TEXT_LEFT + half + 2 * mm
    pen.field(labels["date_of_birth"], doc.date_of_birth.strftime("%m/%d/%Y"), TEXT_LEFT, y, half)
    if doc.gender is not None and "gender" in theme.prints:
        pen.field(labels["gender"], doc.gender, right, y, half)
    y -= 5.0 * mm
    if doc.issued_on is not None:
        pen.field(labels["issued"], doc.issued_on.strftime("%m/%d/%Y"), TEXT_LEFT, y, half)
    pen.field(labels["expires"], doc.expires_on.strftime("%m/%d/%Y"), right, y, half)
    pen.colour(theme.text)
    pen.text(
        doc.grouped_number,
        pen.bold,
        MARGIN,
        BAND_BOTTOM + 3.4 * mm,
        width=SIGNATURE_LEFT - MARGIN - 1 * mm,
        height=3.4 * mm,
        largest=7.5,
        smallest=5,
    )
    if doc.signature_image:
        draw_picture(
            pen.c,
            doc.signature_image,
            SIGNATURE_LEFT,
            BAND_BOTTOM,
            SIGNATURE_WIDTH,
            SIGNATURE_HEIGHT,
            anchor="sw",
        )


def draw_back(pen: Pen, doc: CardDocument, matrix: QrMatrix | None = None) -> None:
    theme, labels = pen.theme, pen.theme.labels
    _ground(pen)
    qr_x = CARD_WIDTH - QR_RIGHT_MARGIN - QR_BOX
    qr_y = CARD_HEIGHT - QR_TOP_MARGIN - QR_BOX
    draw_qr(pen.c, matrix or qr_matrix(doc.qr_text), qr_x, qr_y)
    width = qr_x - MARGIN - 1 * mm
    y = CARD_HEIGHT - MARGIN
    if doc.address_lines and "address" in theme.prints:
        address = ", ".join(doc.address_lines)
        y = pen.field(labels["address"], address, MARGIN, y, width, lines=3) - 0.8 * mm
    if doc.preferred_languages and "languages" in theme.prints:
        languages = endonyms(doc.preferred_languages[:2])
        y = pen.field(labels["languages"], languages, MARGIN, y, width, lines=2) - 0.8 * mm
    if doc.emergency_contact:
        pen.field(labels["emergency_contact"], doc.emergency_contact, MARGIN, y, width, lines=2)
    pen.colour(theme.muted)
    notice = f"{theme.return_line} {theme.return_address}".strip()
    fitted = fit(notice, pen.regular, width=width, height=9 * mm, largest=5, smallest=3.4)
    bottom = qr_y + 0.5 * mm
    pen.lines(fitted, pen.regular, MARGIN, bottom + len(fitted.lines) * fitted.size * LINE_HEIGHT)
    draw_codabar(pen.c, doc.card_number, pen.bold, CARD_WIDTH / 2, BARCODE_BOTTOM, BARCODE_HEIGHT)


def new_canvas(
    pagesize: tuple[float, float], title: str, theme: Theme, fonts: FontSet
) -> tuple[Pen, io.BytesIO]:
    out = io.BytesIO()
    regular, bold = Style(fonts, bold=False), Style(fonts, bold=True)
    # The initial font too (an embedded one), or every page declares an unembedded Helvetica.
    c = Canvas(
        out,
        pagesize=pagesize,
        pageCompression=1,
        initialFontName=fonts.latin(False).name,
        initialFontSize=6,
    )
    c.setTitle(title)
    c.setCreator("Resident ID")
    security.define_forms(c, CARD_WIDTH, CARD_HEIGHT, theme.guilloche, theme.microtext, regular)
    return Pen(c, theme, regular, bold), out


def render_batch(docs: Sequence[CardDocument], theme: Theme, fonts: FontSet | None = None) -> bytes:
    """Front then back of each card, in order: one duplex PDF for a card printer."""
    pen, out = new_canvas(
        (CARD_WIDTH, CARD_HEIGHT),
        f"{theme.city_name} resident cards",
        theme,
        fonts or default_fonts(),
    )
    for doc in docs:
        draw_front(pen, doc)
        pen.c.showPage()
        draw_back(pen, doc)
        pen.c.showPage()
    pen.c.save()
    return out.getvalue()


def render_card(doc: CardDocument, theme: Theme, fonts: FontSet | None = None) -> bytes:
    return render_batch([doc], theme, fonts)


def render_sheet(docs: Sequence[CardDocument], theme: Theme, fonts: FontSet | None = None) -> bytes:
    """Letter sheets of ten (see cards/sheet.py)."""
    from cards.sheet import render_sheet as sheet

    return sheet(docs, theme, fonts or default_fonts())
