"""reportlab's Flate compression, remembering the few large streams every PDF repeats.

Each PDF carries the same guilloche form (about 100 KB of path operators) and reportlab
compresses each document's streams anew: for a one-card PDF that compression was a quarter of
the rendering time. The filter below gives exactly the bytes reportlab's gives, and keeps the
last few results for streams of `REMEMBER_FROM` bytes or more (the guilloche; a card side's own
content, QR included, is smaller and is compressed afresh every time).
"""

from __future__ import annotations

import zlib
from functools import lru_cache

from reportlab.pdfbase import pdfdoc

REMEMBER_FROM = 64 * 1024


@lru_cache(maxsize=4)
def _compressed(data: bytes) -> bytes:
    return zlib.compress(data)


class RememberingFlate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]  # untyped
    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        return _compressed(data) if len(data) >= REMEMBER_FROM else zlib.compress(data)


def install() -> None:
    """Put the filter where reportlab looks for it (a module global read at each use)."""
    if not isinstance(pdfdoc.PDFZCompress, RememberingFlate):
        pdfdoc.PDFZCompress = RememberingFlate()
