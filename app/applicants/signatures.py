"""Turning an uploaded signature (a scan, a photo, a pad's PNG) into ink on transparency.

Pure: bytes in, bytes out. The output is a fresh PNG built from pixels alone (no metadata), dark
strokes kept as ink and the paper made transparent, so the card's background shows around it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from app.applicants.photos import PhotoRejected, _open

# About 300 dpi across the card's 26 x 7 mm signature box.
MAX_WIDTH, MAX_HEIGHT = 600, 160
# Pixels darker than this (0-255, after auto-contrast) are ink.
INK_BELOW = 150


def normalise_signature(data: bytes, *, max_pixels: int) -> tuple[bytes, int, int]:
    """A PNG of the ink (dark blue-black on transparency), cropped to it; or PhotoRejected."""
    image = _open(data, max_pixels)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    grey = ImageOps.autocontrast(image.convert("L"))
    ink = grey.point(lambda v: 255 if v < INK_BELOW else 0)
    box = ink.getbbox()
    if box is None:
        raise PhotoRejected("the image has no signature on it (no dark strokes)")
    ink = ink.crop(box)
    ink.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    out = Image.new("RGBA", ink.size, (16, 24, 64, 0))
    out.putalpha(ink)
    buffer = io.BytesIO()
    out.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), out.width, out.height
