"""Turning an uploaded picture into the card's portrait: checked, cropped, re-encoded, bare.

Pure: bytes in, bytes out. The output is a fresh JPEG built from pixels alone, so nothing of the
upload survives but the picture: no EXIF (GPS says where a person lives), no comments, no ICC
profile, no text chunks.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# The card's portrait: 3:4, more than 300 dpi in a CR80 card's photo box (about 24 x 32 mm).
WIDTH, HEIGHT = 600, 800
JPEG_QUALITY = 85
# Smaller than this is not a face anyone could recognise on a card.
MIN_SIDE = 32
FORMATS = ("JPEG", "PNG")


def _not_debug(record: logging.LogRecord) -> bool:
    return record.levelno > logging.DEBUG


# Pillow logs every EXIF tag with its value at DEBUG (GPS coordinates, owner names, serial
# numbers), and PNG profile names as sent. Those records are dropped whatever the log level, so
# turning on debug logging never writes where a person lives into the logs.
for _name in ("PIL.TiffImagePlugin", "PIL.PngImagePlugin", "PIL.JpegImagePlugin", "PIL.Image"):
    logging.getLogger(_name).addFilter(_not_debug)


class PhotoRejected(ValueError):
    """The upload is not a usable JPEG or PNG; the message says why, for the clerk."""


@dataclass(frozen=True)
class Portrait:
    jpeg: bytes
    width: int
    height: int


# What a hostile or broken file can make Pillow raise while reading headers or decoding.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,  # raised, not warned, where warnings are errors
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    zlib.error,
    IndexError,
    TypeError,
)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_bit_depth(data: bytes) -> int | None:
    """A PNG's bit depth from its header (IHDR comes first, its depth at byte 24), else None."""
    if data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) > 24:
        return data[24]
    return None


def _open(data: bytes, max_pixels: int) -> Image.Image:
    # 16 bits a channel doubles every buffer a decode fills, for nothing a printed card shows:
    # refused from the header, before a pixel is decoded.
    if _png_bit_depth(data) == 16:
        raise PhotoRejected("16-bit PNG images are not accepted; save the photo with 8 bits")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(f"the image has too many pixels; at most {max_pixels:,}") from exc
    except _DECODE_ERRORS as exc:
        raise PhotoRejected("the file is not a JPEG or PNG image") from exc
    # Checked from the header, before a single pixel is decoded: a small file can claim a huge
    # canvas (a decompression bomb).
    if image.width * image.height > max_pixels:
        raise PhotoRejected(
            f"the image has {image.width} x {image.height} pixels; at most {max_pixels:,} are accepted"
        )
    if min(image.width, image.height) < MIN_SIDE:
        raise PhotoRejected(f"the image is smaller than {MIN_SIDE} pixels on a side")
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale: no larger than the portrait needs (in
    # either orientation), which saves most of the time and memory for a camera's 12 MP.
    image.draft("RGB", (HEIGHT, HEIGHT))
    try:
        image.load()
        # Down to about the portrait's size at once: every later step (rotation, flattening,
        # cropping) then works on a few megabytes rather than on the full decode.
        reduced = _reduced(image)
        # The camera's rotation applies before the metadata that carries it is dropped.
        upright = ImageOps.exif_transpose(reduced)
    except _DECODE_ERRORS as exc:
        raise PhotoRejected("the image is damaged or cannot be decoded") from exc
    return upright


def _reduced(image: Image.Image) -> Image.Image:
    """The image shrunk by a whole factor that still leaves a 600 x 800 crop (either way up)."""
    factor = min(image.width, image.height) // HEIGHT
    if factor < 2:
        return image
    if image.mode not in ("L", "LA", "RGB", "RGBA", "RGBa", "La", "I", "F", "CMYK", "YCbCr"):
        image = image.convert("RGBA")
    reduced = image.reduce(factor)
    reduced.info = image.info
    return reduced


def _flatten(image: Image.Image) -> Image.Image:
    # Transparent pixels become white, as on a printed card.
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _portrait_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The largest centred 3:4 box; a little above centre, where faces usually are."""
    if width * HEIGHT > height * WIDTH:  # too wide: keep the full height
        crop_w = max(1, height * WIDTH // HEIGHT)
        left = (width - crop_w) // 2
        return left, 0, left + crop_w, height
    crop_h = max(1, width * HEIGHT // WIDTH)
    top = (height - crop_h) // 3
    return 0, top, width, top + crop_h


def normalise(data: bytes, *, max_pixels: int) -> Portrait:
    """A 600 x 800 JPEG portrait with no metadata, or PhotoRejected."""
    image = _flatten(_open(data, max_pixels))
    cropped = image.crop(_portrait_box(image.width, image.height))
    resized = cropped.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    # Pixels only: a new image carries none of the upload's info (comments, profiles, EXIF).
    bare = Image.frombytes("RGB", resized.size, resized.tobytes())
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Portrait(jpeg=out.getvalue(), width=WIDTH, height=HEIGHT)
