"""Letter sheets of ten: cards apart, crop marks outside them, and each back behind its front
when the sheet is printed duplex (flipped on the long edge). Positions are read from the PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.units import mm

from cards.document import CardDocument
from cards.render import CARD_HEIGHT, CARD_WIDTH, render_sheet
from cards.sheet import COLUMN_GAP, LEFT, PAGE_HEIGHT, PAGE_WIDTH, ROW_GAP, slot
from cards.theme import load_theme

pytestmark = pytest.mark.slow
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _doc(i: int) -> CardDocument:
    return CardDocument(
        card_number=f"2123400000{i:02d}00",
        given_name=f"Card {i}",
        family_name="Sheet",
        date_of_birth=date(1990, 1, 2),
        expires_on=date(2031, 1, 2),
        issued_on=date(2026, 1, 2),
        qr_text="6BF" * 40,
    )


def _words(pdf: Path, page: int) -> dict[str, tuple[float, float, float, float]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # pdftotext's y runs down from the top of the page; turned here to PDF's y up.
    return {
        text: (float(x0), PAGE_HEIGHT - float(y1), float(x1), PAGE_HEIGHT - float(y0))
        for x0, y0, x1, y1, text in WORD.findall(html)
    }


def _inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    return x <= box[0] and box[2] <= x + CARD_WIDTH and y <= box[1] and box[3] <= y + CARD_HEIGHT


def test_each_back_lands_behind_its_front(tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    docs = [_doc(i) for i in range(10)]
    pdf.write_bytes(render_sheet(docs, load_theme()))
    fronts, backs = _words(pdf, 1), _words(pdf, 2)
    for i, doc in enumerate(docs):
        front = fronts[doc.grouped_number]  # the number on the front
        back = backs[doc.grouped_number]  # the digits under the barcode on the back
        fx, fy = slot(i, back=False)
        bx, by = slot(i, back=True)
        assert _inside(front, fx, fy), (i, front, fx, fy)
        assert _inside(back, bx, by), (i, back, bx, by)
        # Flipped on the long edge, x becomes PAGE_WIDTH - x: the back's slot is the front's.
        assert abs((PAGE_WIDTH - bx - CARD_WIDTH) - fx) < 0.01
        assert by == fy
        # And the barcode digits, centred on the back, sit on the card's centre line.
        assert abs((back[0] + back[2]) / 2 - (bx + CARD_WIDTH / 2)) < 0.5


def _darkest(strip: Image.Image) -> int:
    low, _high = strip.getextrema()
    assert isinstance(low, int)
    return low


def test_cards_are_apart_and_the_gaps_stay_clean(tmp_path: Path) -> None:
    assert ROW_GAP >= 1.5 * mm
    assert COLUMN_GAP >= 5 * mm
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(render_sheet([_doc(i) for i in range(10)], load_theme()))
    dpi = 150
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 2

    def px(points: float) -> int:
        return round(points * dpi / 72)

    for png in pages:
        image = Image.open(png).convert("L")
        # The middle line of the gap between the columns, and of each gap between rows: the
        # crop marks stop short of it and no card spills into it.
        middle_x = px(LEFT + CARD_WIDTH + COLUMN_GAP / 2)
        column = image.crop((middle_x, 0, middle_x + 1, image.height))
        assert _darkest(column) > 250, png
        for row in range(4):
            _x, y = slot(row * 2, back=False)
            middle_y = px(PAGE_HEIGHT - (y - ROW_GAP / 2))
            line = image.crop((0, middle_y, image.width, middle_y + 1))
            assert _darkest(line) > 250, (png, row)
        # Crop marks: ink just outside each card's corner, in the margin beside the first card.
        x, y = slot(0, back=False)
        mark = image.crop(
            (px(x - 2 * mm), px(PAGE_HEIGHT - y) - 1, px(x - 0.5 * mm), px(PAGE_HEIGHT - y) + 2)
        )
        assert _darkest(mark) < 100, png
