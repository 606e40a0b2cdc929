"""The card's QR drawn on a PDF canvas: modules as vector rectangles, as large as the QR box
allows and never below the smallest module a card printer and a phone camera handle well."""

from __future__ import annotations

import re

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cards.qr import QUIET_ZONE, QrMatrix

QR_BOX = 40.0 * mm
MIN_MODULE = 0.42 * mm


def qr_module_size(matrix: QrMatrix) -> float:
    """The module size in points: as large as fits the QR box, never below 0.42 mm."""
    module = float(QR_BOX) / matrix.size_with_quiet_zone
    if module < MIN_MODULE:
        raise ValueError("the QR would print below the minimum module size")
    return module


_DARK_RUN = re.compile(b"\x01+")


def draw_qr(c: Canvas, matrix: QrMatrix, x: float, y: float) -> float:
    """Draw the code with its quiet zone from (x, y), modules as vector rectangles (one per run
    of dark modules in a row). Answers the module size in points."""
    module = qr_module_size(matrix)
    total = module * matrix.size_with_quiet_zone
    c.setFillColor(HexColor("#FFFFFF"))
    c.rect(x, y, total, total, stroke=0, fill=1)
    # The path operators written directly, in module units (one unit a module, rows downwards
    # from the code's top left): a code has over a thousand runs, and reportlab's path object
    # formats each rectangle's numbers one call at a time (a fifth of a card's time).
    runs = []
    for r, row in enumerate(matrix.modules):
        for run in _DARK_RUN.finditer(bytes(row)):  # the row as bytes 0 and 1, runs found in C
            runs.append(f"{run.start()} {-r - 1} {run.end() - run.start()} 1 re")
    c.saveState()
    c.transform(module, 0, 0, module, x + QUIET_ZONE * module, y + total - QUIET_ZONE * module)
    c.setFillColor(HexColor("#000000"))
    c.addLiteral("\n".join(runs) + "\nf")
    c.restoreState()
    return module
