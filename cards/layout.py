"""Text fitting: a long name shrinks, then wraps, and never leaves its box; and the pen that
draws fitted text on a card. Widths are those of the shaped text (cards/text.py), so an Arabic or
Devanagari name is measured as it prints."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from cards import text as shaping
from cards.fonts import FontSet
from cards.theme import Theme

LINE_HEIGHT = 1.18


@dataclass(frozen=True)
class Style:
    fonts: FontSet
    bold: bool

    @property
    def latin_font(self) -> str:
        return self.fonts.latin(self.bold).name

    def width(self, text: str, size: float) -> float:
        return shaping.width(text, self.fonts, self.bold, size)

    def draw(self, c: Canvas, text: str, size: float, x: float, y: float) -> float:
        return shaping.draw(c, text, self.fonts, self.bold, size, x, y)


def _break_word(word: str, style: Style, size: float, width: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and style.width(current + char, size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, style: Style, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if style.width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if style.width(word, size) <= width:
            current = word
        else:
            *whole, current = _break_word(word, style, size, width)
            lines.extend(whole)
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    size: float


def _sizes(largest: float, smallest: float) -> list[float]:
    steps = int(round((largest - smallest) / 0.25))
    return [largest - 0.25 * i for i in range(steps + 1)]


def fit(
    text: str, style: Style, *, width: float, height: float, largest: float, smallest: float
) -> FittedText:
    """Shrink the text (to 70% of `largest`) while one line can hold it; past that, wrap at the
    largest size whose lines fit the box; at `smallest`, cut the last line with '…'."""
    for size in _sizes(largest, max(smallest, largest * 0.7)):
        if style.width(text, size) <= width and size * LINE_HEIGHT <= height:
            return FittedText([text], size)
    for size in _sizes(largest, smallest):
        room = int(height // (size * LINE_HEIGHT))
        lines = wrap(text, style, size, width)
        if 0 < len(lines) <= room:
            return FittedText(lines, size)
    room = max(1, int(height // (smallest * LINE_HEIGHT)))
    kept = wrap(text, style, smallest, width)[:room]
    if not kept:
        return FittedText([], smallest)
    last = kept[-1]
    while last and style.width(last + "…", smallest) > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return FittedText(kept, smallest)


@dataclass(frozen=True)
class Pen:
    """What every drawing step needs: the canvas, the city's theme, the fonts."""

    c: Canvas
    theme: Theme
    regular: Style
    bold: Style

    def colour(self, hex_colour: str) -> None:
        self.c.setFillColor(HexColor(hex_colour))

    def lines(self, fitted: FittedText, style: Style, x: float, top: float) -> float:
        """Draw fitted lines downward from `top`; answers the y below the last line."""
        y = top
        for line in fitted.lines:
            y -= fitted.size * LINE_HEIGHT
            style.draw(self.c, line, fitted.size, x, y + fitted.size * 0.22)
        return y

    def text(
        self,
        text: str,
        style: Style,
        x: float,
        top: float,
        *,
        width: float,
        height: float,
        largest: float,
        smallest: float,
    ) -> float:
        fitted = fit(text, style, width=width, height=height, largest=largest, smallest=smallest)
        return self.lines(fitted, style, x, top)

    def field(
        self, label: str, value: str, x: float, top: float, width: float, lines: int = 1
    ) -> float:
        """A small label over its value; the value may wrap onto `lines` lines."""
        self.colour(self.theme.muted)
        y = self.text(label, self.regular, x, top, width=width, height=6, largest=4.6, smallest=3.6)
        self.colour(self.theme.text)
        return self.text(
            value, self.bold, x, y, width=width, height=9 * lines, largest=7.2, smallest=4.2
        )
