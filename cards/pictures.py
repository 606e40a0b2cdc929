"""Pictures on the card: the photo, its ghost, the signature and the city's seal."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from svglib.svglib import svg2rlg

from cards.layout import Style
from cards.theme import Theme

# How much of the ghost image shows through its veil: enough to match a face, too faint to
# lift off the card as a usable photo.
GHOST_VEIL = 0.62


class _JpegPassThrough(ImageReader):  # type: ignore[misc]  # reportlab ships no types
    """A JPEG that goes into the PDF as its own bytes, never decoded.

    reportlab names an image by hashing its decoded pixels (`getRGBData`) so that the same picture
    is embedded once per PDF; for a 600 x 800 photo drawn twice per card (photo and ghost) that
    decode and hash were a third of a card's rendering time. A JPEG is embedded through
    `jpeg_fh` untouched, so its pixels are needed for nothing but that name: the digest of its
    bytes names it as well (the same bytes give the same picture) and costs a fiftieth.
    """

    def __init__(self, opened: ImageReader, data: bytes) -> None:
        super().__init__(opened)  # reportlab's copy: the file already opened, not parsed again
        self._name = hashlib.sha256(data).digest()
        self._dataA = None  # no alpha channel: read by drawImage for mask="auto"

    def getRGBData(self) -> bytes:  # reportlab's name
        return self._name


@lru_cache(maxsize=64)
def _reader(data: bytes) -> ImageReader:
    reader = ImageReader(io.BytesIO(data))
    if reader.jpeg_fh() is not None and reader._image.mode in ("RGB", "L", "CMYK"):
        return _JpegPassThrough(reader, data)
    return reader


def draw_picture(
    c: Canvas, data: bytes, x: float, y: float, width: float, height: float, anchor: str = "c"
) -> None:
    # mask="auto": a signature scanned to a transparent PNG keeps the card's background.
    c.drawImage(
        _reader(data), x, y, width, height, preserveAspectRatio=True, anchor=anchor, mask="auto"
    )


def draw_ghost(
    c: Canvas, data: bytes, theme: Theme, x: float, y: float, width: float, height: float
) -> None:
    """A second, faint copy of the photo: a swapped photo no longer matches it."""
    draw_picture(c, data, x, y, width, height)
    c.saveState()
    c.setFillColor(HexColor(theme.background))
    c.setFillAlpha(GHOST_VEIL)
    c.rect(x, y, width, height, stroke=0, fill=1)
    c.restoreState()


@lru_cache(maxsize=16)
def _svg(path: Path, font: str) -> Any:
    drawing = svg2rlg(str(path))
    if drawing is None:
        raise ValueError(f"the seal {path} is not an SVG drawing")
    # The renderer starts every drawing in Helvetica, which would land in the PDF as an
    # unembedded font even though a seal has no text; start it in the card's own font instead.
    drawing.__dict__["initialFontName"] = font
    return drawing


def draw_seal(c: Canvas, theme: Theme, style: Style, x: float, y: float, size: float) -> None:
    """The seal from the theme's file, fitted into a square of `size` at (x, y); without a
    file, a ring in the accent colour with the city's initials."""
    if theme.seal is not None and theme.seal.suffix.lower() == ".svg":
        drawing = _svg(theme.seal, style.latin_font)
        scale = size / max(drawing.width, drawing.height)
        c.saveState()
        c.translate(x, y)
        c.scale(scale, scale)
        renderPDF.draw(drawing, c, 0, 0)
        c.restoreState()
        return
    if theme.seal is not None:
        draw_picture(c, theme.seal.read_bytes(), x, y, size, size)
        return
    radius = size / 2
    c.setStrokeColor(HexColor(theme.accent))
    c.setFillColor(HexColor(theme.primary))
    c.setLineWidth(1.2)
    c.circle(x + radius, y + radius, radius, stroke=1, fill=1)
    c.setFillColor(HexColor(theme.accent))
    initials = theme.seal_initials
    font_size = radius * 0.9
    style.draw(
        c,
        initials,
        font_size,
        x + radius - style.width(initials, font_size) / 2,
        y + radius - radius * 0.32,
    )
