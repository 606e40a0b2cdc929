"""The card number as a Codabar barcode, the symbology US library desk scanners read."""

from __future__ import annotations

from reportlab.graphics.barcode.common import Codabar
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cards.layout import Style
from cards.numbers import grouped

NARROW = 0.254 * mm  # 10 mil
RATIO = 3.0  # wide elements three times the narrow: the most forgiving Codabar allows
DIGITS_SIZE = 5.0


def codabar(number: str, height: float) -> Codabar:
    # Start and stop character A, as library patron barcodes are printed.
    return Codabar(
        f"A{number}A", barWidth=NARROW, ratio=RATIO, barHeight=height, humanReadable=False
    )


def draw_codabar(
    c: Canvas, number: str, style: Style, centre_x: float, y: float, height: float
) -> float:
    """Bars centred on `centre_x` from `y` up, the digits under them; answers the width."""
    symbol = codabar(number, height)
    left = centre_x - symbol.width / 2
    # A clean white field under the bars and their quiet zones: the guilloche stops here.
    c.setFillColorRGB(1, 1, 1)
    c.rect(left, y - DIGITS_SIZE, symbol.width, height + DIGITS_SIZE + 0.5, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    symbol.drawOn(c, left, y)
    c.setFillColorRGB(0, 0, 0)
    digits = grouped(number)
    width = style.width(digits, DIGITS_SIZE)
    style.draw(c, digits, DIGITS_SIZE, centre_x - width / 2, y - DIGITS_SIZE * 0.95)
    return float(symbol.width)
