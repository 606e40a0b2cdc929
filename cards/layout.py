"""Fonts and text fitting: a long name shrinks, then wraps, and never leaves its box."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "ResidentSans"
BOLD = "ResidentSans-Bold"
LINE_HEIGHT = 1.18


@cache
def register_fonts() -> None:
    # DejaVu Sans covers Latin Extended and Vietnamese; reportlab embeds the subset a PDF uses.
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def width_of(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and width_of(current + char, font, size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if width_of(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if width_of(word, font, size) <= width:
            current = word
        else:
            *whole, current = _break_word(word, font, size, width)
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
    text: str, font: str, *, width: float, height: float, largest: float, smallest: float
) -> FittedText:
    """Shrink the text (to 70% of `largest`) while one line can hold it; past that, wrap at the
    largest size whose lines fit the box; at `smallest`, cut the last line with '…'."""
    for size in _sizes(largest, max(smallest, largest * 0.7)):
        if width_of(text, font, size) <= width and size * LINE_HEIGHT <= height:
            return FittedText([text], size)
    for size in _sizes(largest, smallest):
        room = int(height // (size * LINE_HEIGHT))
        lines = wrap(text, font, size, width)
        if 0 < len(lines) <= room:
            return FittedText(lines, size)
    room = max(1, int(height // (smallest * LINE_HEIGHT)))
    kept = wrap(text, font, smallest, width)[:room]
    if not kept:
        return FittedText([], smallest)
    last = kept[-1]
    while last and width_of(last + "…", font, smallest) > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return FittedText(kept, smallest)
