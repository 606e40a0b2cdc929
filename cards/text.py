"""A line of text in any script: split into runs by font and direction (the Unicode bidi
algorithm, python-bidi), each run shaped by HarfBuzz (through reportlab's uharfbuzz support),
the runs set left to right in visual order.

Each line carries its characters (/ActualText), so `pdftotext` gives back the characters typed
rather than glyph forms (Arabic positional forms, ligatures, reordered Indic vowel signs).
Poppler reads ActualText as it reads glyphs, in drawing order, left to right, and turns
right-to-left stretches back itself; so the ActualText is the line in display order (the bidi
algorithm's visual string), which poppler turns back into the order the name was typed in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bidi import algorithm as bidi
from bidi import get_display
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord
from reportlab.pdfgen.canvas import Canvas

from cards.fonts import Face, FontSet

# Shaped advances are in thousandths of an em, so a run shaped once serves every font size.
_SHAPE_SIZE = 10.0


@dataclass(frozen=True)
class Run:
    font: str
    text: str  # a ShapedStr (glyphs in visual order) or plain text drawn as is
    em_width: float  # in thousandths of an em


def _levels(text: str) -> list[int]:
    """Each character's resolved bidi embedding level (odd: right to left)."""
    storage: dict[str, Any] = bidi.get_empty_storage()
    storage["base_level"] = bidi.get_base_level(text)
    storage["base_dir"] = ("L", "R")[storage["base_level"]]
    bidi.get_embedding_levels(text, storage)
    bidi.explicit_embed_and_overrides(storage, False)
    bidi.resolve_weak_types(storage, False)
    bidi.resolve_neutral_types(storage, False)
    bidi.resolve_implicit_levels(storage, False)
    return [int(char["level"]) for char in storage["chars"]]


def _first_covering(char: str, faces: tuple[Face, ...]) -> Face | None:
    return next((face for face in faces if face.covers(char)), None)


def _face_for(char: str, previous: Face, faces: tuple[Face, ...]) -> Face:
    category = unicodedata.category(char)
    # Marks, spaces, digits and punctuation stay in the run they are in when its font has them,
    # so that HarfBuzz sees a whole word (and its marks) at once.
    if category[0] != "L" and (previous.covers(char) or category == "Cf"):
        return previous
    return _first_covering(char, faces) or previous


def _pieces(text: str, fonts: FontSet, bold: bool) -> list[tuple[str, Face, int]]:
    """Logical-order pieces of one font and one bidi level."""
    faces = fonts.faces(bold)
    pieces: list[tuple[str, Face, int]] = []
    # Before the first letter, digits and punctuation belong to that letter's font (or Latin).
    first_letter = next((ch for ch in text if unicodedata.category(ch)[0] == "L"), "A")
    face = _first_covering(first_letter, faces) or fonts.latin(bold)
    for char, level in zip(text, _levels(text), strict=True):
        face = _face_for(char, face, faces)
        if pieces and pieces[-1][1] is face and pieces[-1][2] == level:
            pieces[-1] = (pieces[-1][0] + char, face, level)
        else:
            pieces.append((char, face, level))
    return pieces


def _visual(pieces: list[tuple[str, Face, int]]) -> list[tuple[str, Face, int]]:
    """Rule L2 of the bidi algorithm at the level of pieces: from the highest level down to the
    lowest odd one, reverse every stretch at that level or higher."""
    if not pieces:
        return pieces
    order = list(pieces)
    levels = [level for _, _, level in pieces]
    lowest_odd = min(level for level in levels if level % 2) if any(x % 2 for x in levels) else 1
    for floor in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if order[i][2] < floor:
                i += 1
                continue
            j = i
            while j < len(order) and order[j][2] >= floor:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


def _shape(text: str, face: Face) -> str:
    # HarfBuzz's default features (kerning, standard ligatures, each script's required forms).
    # reportlab's shapeStr also turns on discretionary ligatures, which set "st" in Castañeda
    # as one glyph: that is typography for a poster, not a name on an ID.
    word = [0.0, (ABag(fontName=face.name, fontSize=_SHAPE_SIZE), text)]
    shaped: str = shapeFragWord(word, features={})[1][1]
    return shaped


def _run(text: str, face: Face) -> Run:
    shaped = _shape(text, face)
    if isinstance(shaped, ShapedStr):
        width = float(sum(data.x_advance for data in shaped.__shapeData__))
    else:
        width = float(pdfmetrics.stringWidth(shaped, face.name, 1000))
    return Run(font=face.name, text=shaped, em_width=width)


@lru_cache(maxsize=4096)
def runs(text: str, fonts: FontSet, bold: bool) -> tuple[Run, ...]:
    """The line's runs in visual order, left to right, each shaped by HarfBuzz."""
    return tuple(_run(piece, face) for piece, face, _ in _visual(_pieces(text, fonts, bold)))


def width(text: str, fonts: FontSet, bold: bool, size: float) -> float:
    return sum(run.em_width for run in runs(text, fonts, bold)) * size / 1000


def _actual_text(text: str) -> str:
    drawn = str(get_display(text))
    return "<FEFF" + drawn.encode("utf-16-be").hex().upper() + ">"


def draw(
    c: Canvas, text: str, fonts: FontSet, bold: bool, size: float, x: float, y: float
) -> float:
    """Draw one line with its left end at (x, y); answers its width."""
    c.addLiteral(f"/Span <</ActualText {_actual_text(text)}>> BDC")
    start = x
    for run in runs(text, fonts, bold):
        line = c.beginText(x, y)
        line.setFont(run.font, size)
        line.textOut(run.text)
        c.drawText(line)
        x += run.em_width * size / 1000
    c.addLiteral("EMC")
    return x - start
