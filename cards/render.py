"""The card as a PDF: two CR80 pages (front, back) for duplex card printers, a batch of cards,
or Letter sheets of ten for perforated card stock. Geometry is in millimetres."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from cards.document import CardDocument
from cards.layout import BOLD, LINE_HEIGHT, REGULAR, FittedText, fit, register_fonts
from cards.qr import QUIET_ZONE, QrMatrix, qr_matrix
from cards.theme import Theme

CARD_WIDTH = 85.60 * mm
CARD_HEIGHT = 53.98 * mm
MARGIN = 3.5 * mm
HEADER_HEIGHT = 9.5 * mm
STRIPE_HEIGHT = 1.4 * mm
PHOTO_WIDTH = 21.0 * mm
PHOTO_HEIGHT = 28.0 * mm  # 3:4 portrait, as the app crops it
TEXT_LEFT = MARGIN + PHOTO_WIDTH + 3.0 * mm
TEXT_WIDTH = CARD_WIDTH - TEXT_LEFT - MARGIN
QR_BOX = 40.0 * mm
MIN_MODULE = 0.42 * mm
QR_RIGHT_MARGIN = 2.5 * mm


def qr_module_size(matrix: QrMatrix) -> float:
    """The module size in points: as large as fits the QR box, never below 0.42 mm."""
    module = float(QR_BOX) / matrix.size_with_quiet_zone
    if module < MIN_MODULE:
        raise ValueError("the QR would print below the minimum module size")
    return module


def _lines(c: Canvas, fitted: FittedText, font: str, x: float, top: float) -> float:
    """Draw fitted lines downward from `top`; answers the y below the last line."""
    y = top
    for line in fitted.lines:
        y -= fitted.size * LINE_HEIGHT
        c.setFont(font, fitted.size)
        c.drawString(x, y + fitted.size * 0.22, line)
    return y


def _field(
    c: Canvas,
    theme: Theme,
    label: str,
    value: str,
    x: float,
    top: float,
    width: float,
    lines: int = 1,
) -> float:
    """A small label over its value; the value may wrap onto `lines` lines."""
    c.setFillColor(HexColor(theme.muted))
    y = _lines(
        c, fit(label, REGULAR, width=width, height=6, largest=4.6, smallest=3.8), REGULAR, x, top
    )
    c.setFillColor(HexColor(theme.text))
    value_fit = fit(value, BOLD, width=width, height=9 * lines, largest=7.2, smallest=4.5)
    return _lines(c, value_fit, BOLD, x, y)


def _seal(c: Canvas, theme: Theme, cx: float, cy: float, radius: float) -> None:
    c.setStrokeColor(HexColor(theme.accent))
    c.setFillColor(HexColor(theme.primary))
    c.setLineWidth(1.2)
    c.circle(cx, cy, radius, stroke=1, fill=1)
    c.setFillColor(HexColor(theme.accent))
    c.setFont(BOLD, radius * 0.9)
    c.drawCentredString(cx, cy - radius * 0.32, theme.seal_initials)


def _header(c: Canvas, theme: Theme) -> None:
    c.setFillColor(HexColor(theme.background))
    c.rect(0, 0, CARD_WIDTH, CARD_HEIGHT, stroke=0, fill=1)
    c.setFillColor(HexColor(theme.primary))
    c.rect(0, CARD_HEIGHT - HEADER_HEIGHT, CARD_WIDTH, HEADER_HEIGHT, stroke=0, fill=1)
    c.setFillColor(HexColor(theme.accent))
    c.rect(0, 0, CARD_WIDTH, STRIPE_HEIGHT, stroke=0, fill=1)
    seal_radius = HEADER_HEIGHT * 0.38
    _seal(c, theme, CARD_WIDTH - MARGIN - seal_radius, CARD_HEIGHT - HEADER_HEIGHT / 2, seal_radius)
    c.setFillColor(HexColor(theme.background))
    width = CARD_WIDTH - 2 * MARGIN - 2 * seal_radius - 2 * mm
    top = CARD_HEIGHT - 1.2 * mm
    y = _lines(
        c,
        fit(theme.city_name, BOLD, width=width, height=11, largest=8.5, smallest=5),
        BOLD,
        MARGIN,
        top,
    )
    _lines(
        c,
        fit(theme.card_title, REGULAR, width=width, height=8, largest=5.5, smallest=4),
        REGULAR,
        MARGIN,
        y,
    )


def _photo(c: Canvas, doc: CardDocument, theme: Theme) -> None:
    x = MARGIN
    y = CARD_HEIGHT - HEADER_HEIGHT - 2.5 * mm - PHOTO_HEIGHT
    if doc.photo_jpeg:
        image = ImageReader(io.BytesIO(doc.photo_jpeg))
        c.drawImage(image, x, y, PHOTO_WIDTH, PHOTO_HEIGHT, preserveAspectRatio=True, anchor="c")
    else:
        c.setFillColor(HexColor("#E6E9EC"))
        c.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=0, fill=1)
    c.setStrokeColor(HexColor(theme.primary))
    c.setLineWidth(0.6)
    c.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=1, fill=0)


def draw_front(c: Canvas, doc: CardDocument, theme: Theme) -> None:
    _header(c, theme)
    _photo(c, doc, theme)
    top = CARD_HEIGHT - HEADER_HEIGHT - 2.0 * mm
    c.setFillColor(HexColor(theme.text))
    family = fit(doc.family_name, BOLD, width=TEXT_WIDTH, height=8.5 * mm, largest=11, smallest=4.5)
    y = _lines(c, family, BOLD, TEXT_LEFT, top)
    given = fit(doc.given_name, REGULAR, width=TEXT_WIDTH, height=6.5 * mm, largest=9, smallest=4.5)
    y = _lines(c, given, REGULAR, TEXT_LEFT, y) - 1.2 * mm
    labels = theme.labels
    half = (TEXT_WIDTH - 2 * mm) / 2
    _field(
        c,
        theme,
        labels["date_of_birth"],
        doc.date_of_birth.strftime("%m/%d/%Y"),
        TEXT_LEFT,
        y,
        half,
    )
    below = _field(
        c,
        theme,
        labels["expires"],
        doc.expires_on.strftime("%m/%d/%Y"),
        TEXT_LEFT + half + 2 * mm,
        y,
        half,
    )
    if doc.gender is not None:
        _field(c, theme, labels["gender"], doc.gender, TEXT_LEFT, below - 0.8 * mm, half)
    c.setFillColor(HexColor(theme.text))
    c.setFont(BOLD, 8.5)
    c.drawString(MARGIN, STRIPE_HEIGHT + 2.2 * mm, doc.grouped_number)


def draw_qr(c: Canvas, matrix: QrMatrix, x: float, y: float) -> float:
    """Draw the code with its quiet zone from (x, y), modules as vector rectangles (one per run
    of dark modules in a row). Answers the module size in points."""
    module = qr_module_size(matrix)
    total = module * matrix.size_with_quiet_zone
    c.setFillColor(HexColor("#FFFFFF"))
    c.rect(x, y, total, total, stroke=0, fill=1)
    path = c.beginPath()
    origin_x = x + QUIET_ZONE * module
    top = y + total - QUIET_ZONE * module
    for r, row in enumerate(matrix.modules):
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(
                    origin_x + start * module,
                    top - (r + 1) * module,
                    (col - start) * module,
                    module,
                )
                start = None
    c.setFillColor(HexColor("#000000"))
    c.drawPath(path, stroke=0, fill=1)
    return module


def draw_back(c: Canvas, doc: CardDocument, theme: Theme, matrix: QrMatrix | None = None) -> None:
    c.setFillColor(HexColor(theme.background))
    c.rect(0, 0, CARD_WIDTH, CARD_HEIGHT, stroke=0, fill=1)
    c.setFillColor(HexColor(theme.accent))
    c.rect(0, 0, CARD_WIDTH, STRIPE_HEIGHT, stroke=0, fill=1)
    draw_qr(
        c,
        matrix or qr_matrix(doc.qr_text),
        CARD_WIDTH - QR_RIGHT_MARGIN - QR_BOX,
        (CARD_HEIGHT - QR_BOX) / 2,
    )
    width = CARD_WIDTH - QR_RIGHT_MARGIN - QR_BOX - MARGIN - 1 * mm
    y = CARD_HEIGHT - MARGIN
    labels = theme.labels
    if doc.address_lines:
        y = (
            _field(
                c, theme, labels["address"], ", ".join(doc.address_lines), MARGIN, y, width, lines=3
            )
            - 1 * mm
        )
    if doc.preferred_languages:
        y = (
            _field(
                c,
                theme,
                labels["languages"],
                ", ".join(doc.preferred_languages[:2]),
                MARGIN,
                y,
                width,
            )
            - 1 * mm
        )
    if doc.emergency_contact:
        _field(
            c, theme, labels["emergency_contact"], doc.emergency_contact, MARGIN, y, width, lines=2
        )
    c.setFillColor(HexColor(theme.muted))
    notice = fit(theme.return_line, REGULAR, width=width, height=13 * mm, largest=5, smallest=3.6)
    _lines(
        c,
        notice,
        REGULAR,
        MARGIN,
        STRIPE_HEIGHT + 1.5 * mm + len(notice.lines) * notice.size * LINE_HEIGHT,
    )


def _canvas(pagesize: tuple[float, float], title: str) -> tuple[Canvas, io.BytesIO]:
    register_fonts()
    out = io.BytesIO()
    # The initial font too, or every page declares an unembedded Helvetica.
    canvas = Canvas(
        out, pagesize=pagesize, pageCompression=1, initialFontName=REGULAR, initialFontSize=6
    )
    canvas.setTitle(title)
    canvas.setCreator("Resident ID")
    return canvas, out


def render_batch(docs: Sequence[CardDocument], theme: Theme) -> bytes:
    """Front then back of each card, in order: one duplex PDF for a card printer."""
    c, out = _canvas((CARD_WIDTH, CARD_HEIGHT), f"{theme.city_name} resident cards")
    for doc in docs:
        draw_front(c, doc, theme)
        c.showPage()
        draw_back(c, doc, theme)
        c.showPage()
    c.save()
    return out.getvalue()


def render_card(doc: CardDocument, theme: Theme) -> bytes:
    return render_batch([doc], theme)


def render_sheet(docs: Sequence[CardDocument], theme: Theme) -> bytes:
    """Letter sheets of ten (see cards/sheet.py)."""
    from cards.sheet import render_sheet as sheet

    return sheet(docs, theme)
