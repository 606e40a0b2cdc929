"""A long batch of cards as one PDF, drawn in chunks so that memory stays flat however long it is.

reportlab holds a whole document until it saves it: one canvas for 1,000 cards with their photos
peaked at 450 MB. Here chunks of `CHUNK` cards are drawn as documents of their own, and their
pages appended to one pdfium document (pypdfium2, which also draws the console's card previews),
which writes the whole to `out`. Cards are taken from `docs` a chunk at a time, so a caller may
pass a generator and never hold every photo at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import BinaryIO

import pypdfium2 as pdfium

from cards.document import CardDocument
from cards.fonts import FontSet, default_fonts
from cards.render import render_batch
from cards.theme import Theme

# Large enough that the per-document cost (fonts embedded once per chunk) is spread thin; small
# enough that a chunk's drawing (about 1 MB per card while reportlab holds it) stays small.
CHUNK = 25


def _chunks(docs: Iterable[CardDocument], size: int) -> Iterator[list[CardDocument]]:
    it = iter(docs)
    while part := list(islice(it, size)):
        yield part


def write_batch(
    docs: Iterable[CardDocument],
    theme: Theme,
    out: BinaryIO,
    fonts: FontSet | None = None,
    *,
    chunk: int = CHUNK,
) -> int:
    """Front then back of each card, in order, as one duplex PDF written to `out`. Answers the
    number of cards. A batch of one chunk is reportlab's own document, unchanged."""
    fonts = fonts or default_fonts()
    chunks = _chunks(docs, chunk)
    first = next(chunks, [])
    second = next(chunks, None)
    if second is None:
        out.write(render_batch(first, theme, fonts))
        return len(first)
    merged = pdfium.PdfDocument.new()
    cards = 0
    try:
        for part in chain((first, second), chunks):  # lazily: one chunk at a time
            cards += _append(merged, part, theme, fonts)
        merged.save(out)
    finally:
        merged.close()
    return cards


def _append(
    merged: pdfium.PdfDocument, part: list[CardDocument], theme: Theme, fonts: FontSet
) -> int:
    source = pdfium.PdfDocument(render_batch(part, theme, fonts))
    try:
        merged.import_pages(source)  # copies the pages' objects: the source can go
    finally:
        source.close()
    return len(part)
