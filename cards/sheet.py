"""Letter sheets of ten cards (2 × 5), with a gap between cards and crop marks at every card's
corners, for cities printing on card stock and cutting it. Fronts on one sheet, backs on the
next with the columns swapped: printed duplex (flipped on the long edge) each back lands behind
its front, because the grid is centred on the page.

Letter is 279.4 mm tall and five cards 269.9 mm, so the rows can be 1.6 mm apart; a cut that
strays by less than half a gap leaves no sliver of the next card. Columns have room for 6 mm.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm

from cards.document import CardDocument
from cards.fonts import FontSet
from cards.layout import Pen
from cards.render import CARD_HEIGHT, CARD_WIDTH, draw_back, draw_front, new_canvas
from cards.theme import Theme

COLUMNS, ROWS = 2, 5
PER_SHEET = COLUMNS * ROWS
PAGE_WIDTH, PAGE_HEIGHT = LETTER
COLUMN_GAP = 6.0 * mm
ROW_GAP = 1.6 * mm
LEFT = (PAGE_WIDTH - COLUMNS * CARD_WIDTH - (COLUMNS - 1) * COLUMN_GAP) / 2
BOTTOM = (PAGE_HEIGHT - ROWS * CARD_HEIGHT - (ROWS - 1) * ROW_GAP) / 2
MARK_OFFSET = 0.2 * mm  # marks start this far from the card, so a clean cut leaves none
MARK_LENGTH = 2.5 * mm  # across the column gap and the side margins
MARK_LENGTH_IN_ROW_GAP = ROW_GAP / 2 - 2 * MARK_OFFSET


def slot(index: int, back: bool) -> tuple[float, float]:
    """The lower-left corner, in points, of card `index` of a sheet, on the front or the back."""
    row, col = divmod(index, COLUMNS)
    if back:
        col = COLUMNS - 1 - col
    x = LEFT + col * (CARD_WIDTH + COLUMN_GAP)
    y = PAGE_HEIGHT - BOTTOM - (row + 1) * CARD_HEIGHT - row * ROW_GAP
    return x, y


def _crop_marks(pen: Pen, x: float, y: float) -> None:
    """At each corner, one short line out sideways and one out up or down; none touch a card."""
    c = pen.c
    c.setStrokeColor(HexColor("#000000"))
    c.setLineWidth(0.25)
    for corner_x, out_x in ((x, -1), (x + CARD_WIDTH, 1)):
        for corner_y, out_y in ((y, -1), (y + CARD_HEIGHT, 1)):
            start_x = corner_x + out_x * MARK_OFFSET
            c.line(start_x, corner_y, start_x + out_x * MARK_LENGTH, corner_y)
            start_y = corner_y + out_y * MARK_OFFSET
            c.line(corner_x, start_y, corner_x, start_y + out_y * MARK_LENGTH_IN_ROW_GAP)


def render_sheet(docs: Sequence[CardDocument], theme: Theme, fonts: FontSet) -> bytes:
    pen, out = new_canvas(LETTER, f"{theme.city_name} resident card sheets", theme, fonts)
    for start in range(0, len(docs), PER_SHEET):
        batch = docs[start : start + PER_SHEET]
        for back in (False, True):
            for index, doc in enumerate(batch):
                x, y = slot(index, back)
                pen.c.saveState()
                pen.c.translate(x, y)
                # Nothing of a card's design may spill into the gap.
                clip = pen.c.beginPath()
                clip.rect(0, 0, CARD_WIDTH, CARD_HEIGHT)
                pen.c.clipPath(clip, stroke=0, fill=0)
                if back:
                    draw_back(pen, doc)
                else:
                    draw_front(pen, doc)
                pen.c.restoreState()
                _crop_marks(pen, x, y)
            pen.c.showPage()
    pen.c.save()
    return out.getvalue()
