"""What makes a photocopy look wrong: a fine-line guilloche background and a line of microtext,
both vectors, drawn once per PDF as form XObjects and placed on every card side."""

from __future__ import annotations

import math
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cards.layout import Style

GUILLOCHE_FORM = "guilloche"
MICROTEXT_FORM = "microtext"
LINE_WIDTH = 0.12  # points: under what a copier reproduces cleanly
MICROTEXT_SIZE = 1.1  # points (about 0.4 mm capitals): a smear to the eye, legible under a loupe
_WAVES = 22
_STEPS = 220


def tint(colour: str, strength: float) -> Color:
    """The colour mixed with white: opaque, since forms cannot carry transparency here and card
    printers print it more faithfully."""
    base = HexColor(colour)
    return Color(*(1 - strength * (1 - part) for part in (base.red, base.green, base.blue)))


def _polyline(points: list[tuple[float, float]]) -> str:
    head, *rest = points
    moves = [f"{head[0]:.2f} {head[1]:.2f} m"] + [f"{x:.2f} {y:.2f} l" for x, y in rest]
    return "\n".join(moves) + "\nS"


def _wave(width: float, height: float, phase: float, amplitude: float) -> str:
    """One band: two sines of different periods summed, across the whole width."""
    points = []
    for step in range(_STEPS + 1):
        t = 2 * math.pi * step / _STEPS
        y = (
            height / 2
            + amplitude * math.sin(3 * t + phase)
            + amplitude * 0.45 * math.sin(11 * t + 2 * phase)
        )
        points.append((width * step / _STEPS, y))
    return _polyline(points)


def _rosette(cx: float, cy: float, radius: float) -> str:
    """A hypotrochoid: the rolling-circle curve of banknotes and passports."""
    big, small, pen = radius * 0.62, radius * 0.62 / 7.25, radius * 0.5
    points = []
    for step in range(29 * 60 + 1):
        t = 2 * math.pi * step / 60
        x = (big - small) * math.cos(t) + pen * math.cos((big - small) / small * t)
        y = (big - small) * math.sin(t) - pen * math.sin((big - small) / small * t)
        points.append((cx + x, cy + y))
    return _polyline(points)


@lru_cache(maxsize=8)
def _guilloche(width: float, height: float) -> str:
    """The lines as PDF path operators, computed once per process: the same for every card."""
    waves = [_wave(width, height, wave * 0.29, height * 0.42) for wave in range(_WAVES)]
    return "\n".join([*waves, _rosette(width * 0.70, height * 0.48, height * 0.46)])


def define_forms(
    c: Canvas, width: float, height: float, colour: str, microtext: str, style: Style
) -> None:
    """Define both forms on this canvas (once per PDF; each card side then places them)."""
    c.beginForm(GUILLOCHE_FORM, 0, 0, width, height)
    c.setStrokeColor(tint(colour, 0.25))
    c.setLineWidth(LINE_WIDTH)
    c.addLiteral(_guilloche(width, height))
    c.endForm()

    c.beginForm(MICROTEXT_FORM, 0, 0, width, 2 * mm)
    c.setFillColor(HexColor(colour))
    style.draw(c, _microtext_line(microtext, width, style), MICROTEXT_SIZE, 1 * mm, 0.5 * mm)
    c.endForm()


@lru_cache(maxsize=8)
def _microtext_line(microtext: str, width: float, style: Style) -> str:
    """The microtext repeated to fill the width, found once per theme: measuring each shorter
    try shapes a new string."""
    unit = f"{microtext} • "
    line = unit * max(1, int(width / max(style.width(unit, MICROTEXT_SIZE), 1.0)) + 1)
    while line and style.width(line, MICROTEXT_SIZE) > width - 2 * mm:
        line = line[:-1]
    return line.rstrip()


def place(c: Canvas, form: str, x: float = 0, y: float = 0) -> None:
    c.saveState()
    c.translate(x, y)
    c.doForm(form)
    c.restoreState()
