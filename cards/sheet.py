"""Letter sheets of ten cards (2 × 5) with crop marks, for cities printing on perforated stock.
Fronts on one sheet, backs on the next with the columns swapped so that duplex lines them up."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cards.document import CardDocument
from cards.render import CARD_HEIGHT, CARD_WIDTH, _canvas, draw_back, draw_front
from cards.theme import Theme

COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
PAGE_WIDTH, PAGE_HEIGHT = LETTER
LEFT = (PAGE_WIDTH - COLUMNS * CARD_WIDTH) / 2
BOTTOM = (PAGE_HEIGHT - ROWS * CARD_HEIGHT) / 2
MARK_GAP = 1.0 * mm
MARK_LENGTH = 3.0 * mm


def _slot(index: int, mirrored: bool) -> tuple[float, float]:
    row, col = divmod(index, COLUMNS)
    if mirrored:
        col = COLUMNS - 1 - col
    return LEFT + col * CARD_WIDTH, PAGE_HEIGHT - BOTTOM - (row + 1) * CARD_HEIGHT


def _crop_marks(c: Canvas) -> None:
    """Short lines in the margins, in line with every card edge; none cross a card."""
    c.setStrokeColor(HexColor("#000000"))
    c.setLineWidth(0.3)
    top = PAGE_HEIGHT - BOTTOM
    right = LEFT + COLUMNS * CARD_WIDTH
    for col in range(COLUMNS + 1):
        x = LEFT + col * CARD_WIDTH
        c.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH)
        c.line(x, BOTTOM - MARK_GAP, x, BOTTOM - MARK_GAP - MARK_LENGTH)
    for row in range(ROWS + 1):
        y = BOTTOM + row * CARD_HEIGHT
        c.line(LEFT - MARK_GAP, y, LEFT - MARK_GAP - MARK_LENGTH, y)
        c.line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y)


def render_sheet(docs: Sequence[CardDocument], theme: Theme) -> bytes:
    c, out = _canvas(LETTER, f"{theme.city_name} resident card sheets")
    for start in range(0, len(docs), PER_SHEET):
        batch = docs[start : start + PER_SHEET]
        for mirrored, draw in ((False, draw_front), (True, draw_back)):
            for index, doc in enumerate(batch):
                c.saveState()
                c.translate(*_slot(index, mirrored))
                draw(c, doc, theme)
                c.restoreState()
            _crop_marks(c)
            c.showPage()
    c.save()
    return out.getvalue()
