"""Names in every script print as their readers write them.

Each card is rendered and rasterised at 300 dpi; the family-name box is compared, as ink, with
the same name drawn by Pillow through libraqm (HarfBuzz shaping and FriBiDi ordering: an
independent path to the same answer) in the same font. For the scripts that need shaping, the
same comparison against Pillow's unshaped layout (letters unjoined, left to right) must score
clearly worse, so the test can tell a shaped name from a broken one.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from cards.document import CardDocument
from cards.fonts import default_fonts, find_fonts
from cards.render import (
    CARD_HEIGHT,
    FAMILY_BOX,
    NAME_BOTTOM,
    TEXT_LEFT,
    TEXT_TOP,
    TEXT_WIDTH,
    render_card,
)
from cards.theme import load_theme

pytestmark = pytest.mark.slow
DPI = 300
NOTO = Path("/usr/share/fonts/truetype/noto")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")
DEJAVU_BOLD = Path(__file__).parents[2] / "cards" / "fonts" / "DejaVuSans-Bold.ttf"
# script: (family name, the bold font it prints in, whether shaping changes it)
NAMES = {
    "arabic": ("فاطمة العلي", NOTO / "NotoSansArabic-Bold.ttf", True),
    "hebrew": ("שרה כהן", NOTO / "NotoSansHebrew-Bold.ttf", True),
    "devanagari": ("प्रियंका शर्मा", NOTO / "NotoSansDevanagari-Bold.ttf", True),
    "bengali": ("অর্পিতা রায়চৌধুরী", NOTO / "NotoSansBengali-Bold.ttf", True),
    "chinese": ("王秀英", DROID, False),
    "japanese": ("山田 はなこ", DROID, False),
    "korean": ("김민준", NANUM, False),
    "cyrillic": ("Пётр Иванов", DEJAVU_BOLD, False),
    "greek": ("Παπαδόπουλος", DEJAVU_BOLD, False),
    "vietnamese": ("Nguyễn Thị Ánh", DEJAVU_BOLD, False),
}


def _document(family: str, given: str = "", **more: object) -> CardDocument:
    fields: dict[str, object] = {
        "card_number": "21234000012344",
        "given_name": given,
        "family_name": family,
        "date_of_birth": date(1990, 1, 2),
        "expires_on": date(2031, 1, 2),
        "issued_on": date(2026, 1, 2),
        "qr_text": "6BF" * 40,
    }
    fields.update(more)
    return CardDocument(**fields)  # type: ignore[arg-type]


def _raster(pdf: bytes, tmp_path: Path, page: int = 1) -> Image.Image:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page), "-png"]
        + [str(path), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    png.unlink()
    return image


def _px(points: float) -> int:
    return round(points * DPI / 72)


def _ink(image: Image.Image) -> Image.Image:
    """Dark pixels only (the name is near black; the guilloche is a light tint), cropped."""
    mask = image.point(lambda v: 255 if v < 128 else 0)
    box = mask.getbbox()
    assert box is not None, "no ink at all"
    return mask.crop(box)


def _family_box(page: Image.Image) -> Image.Image:
    top = _px(CARD_HEIGHT - TEXT_TOP)
    return page.crop((_px(TEXT_LEFT), top, _px(TEXT_LEFT + TEXT_WIDTH), top + _px(FAMILY_BOX)))


def _reference(text: str, font: Path, layout: ImageFont.Layout) -> Image.Image:
    face = ImageFont.truetype(str(font), 160, layout_engine=layout)
    left, top, right, bottom = (round(v) for v in face.getbbox(text))
    canvas = Image.new("L", (right - left + 40, bottom - top + 40), 255)
    ImageDraw.Draw(canvas).text((20 - left, 20 - top), text, font=face, fill=0)
    return canvas


def _count(mask: Image.Image) -> int:
    """How many pixels of a 0/255 mask are set."""
    return mask.histogram()[255]


def _likeness(printed: Image.Image, reference: Image.Image) -> float:
    """Intersection over union of the two inks, the reference scaled onto the printed box."""
    drawn = _ink(printed)
    expected = _ink(reference).resize(drawn.size, Image.Resampling.BILINEAR)
    expected = expected.point(lambda v: 255 if v >= 128 else 0)
    both = ImageChops.multiply(drawn, expected)
    either = ImageChops.lighter(drawn, expected)
    return _count(both) / _count(either)


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without libraqm")
@pytest.mark.parametrize("script", sorted(NAMES))
def test_the_name_prints_as_harfbuzz_shapes_it(script: str, tmp_path: Path) -> None:
    name, font, shaped = NAMES[script]
    assert font.is_file(), f"{font} is installed by `make tools`"
    page = _raster(render_card(_document(name), load_theme()), tmp_path)
    printed = _family_box(page)
    right = _likeness(printed, _reference(name, font, ImageFont.Layout.RAQM))
    assert right > 0.75, f"{script}: the printed name does not look like HarfBuzz's ({right:.2f})"
    backwards = _likeness(printed, _reference(name[::-1], font, ImageFont.Layout.RAQM))
    assert backwards < right - 0.3, f"{script}: as typed {right:.2f}, backwards {backwards:.2f}"
    if shaped:
        wrong = _likeness(printed, _reference(name, font, ImageFont.Layout.BASIC))
        assert wrong < right - 0.3, f"{script}: shaped {right:.2f} vs unshaped {wrong:.2f}"


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Poppler marks right-to-left stretches with embedding controls; the letters are what count.
    return out.translate(dict.fromkeys(range(8234, 8239)))


@pytest.mark.parametrize("script", sorted(NAMES))
def test_pdftotext_gives_the_name_back_as_typed(script: str, tmp_path: Path) -> None:
    name = NAMES[script][0]
    text = _pdftotext(render_card(_document(name), load_theme()), tmp_path)
    assert name in text.splitlines(), text


def test_hebrew_with_latin_and_digits_is_ordered_by_the_bidi_algorithm(tmp_path: Path) -> None:
    """A right-to-left name with a Latin part and a number: by the Unicode bidi algorithm the
    Latin run "Levi 3" sits at the left and the Hebrew words at the right, read from the right.
    Each part is compared with that part printed alone (same font and size)."""
    name = "שרה כהן-Levi 3"

    def ink(text: str) -> Image.Image:
        box = _family_box(_raster(render_card(_document(text), load_theme()), tmp_path))
        return box.point(lambda v: 255 if v < 128 else 0)

    mixed, latin, hebrew = ink(name), ink("Levi 3"), ink("שרה כהן")
    mixed_box, latin_box, hebrew_box = mixed.getbbox(), latin.getbbox(), hebrew.getbbox()
    assert mixed_box is not None
    assert latin_box is not None
    assert hebrew_box is not None
    # The left end of the mixed name is "Levi 3", pixel for pixel where it prints alone.
    left = mixed.crop(latin_box)
    assert _iou(left, latin.crop(latin_box)) > 0.9
    # Its right end is the Hebrew, shifted but otherwise the same.
    width = hebrew_box[2] - hebrew_box[0]
    right_end = mixed.crop((mixed_box[2] - width, hebrew_box[1], mixed_box[2], hebrew_box[3]))
    assert _iou(right_end, hebrew.crop(hebrew_box)) > 0.8
    text = _pdftotext(render_card(_document(name), load_theme()), tmp_path)
    # Poppler hands back each run in the order it was typed (it sets runs left to right).
    assert "שרה כהן" in text
    assert "Levi 3" in text


def _iou(a: Image.Image, b: Image.Image) -> float:
    return _count(ImageChops.multiply(a, b)) / max(1, _count(ImageChops.lighter(a, b)))


def test_every_script_is_covered_and_a_character_no_font_has_is_named() -> None:
    fonts = default_fonts()
    for name, _font, _shaped in NAMES.values():
        assert fonts.uncovered(name) == []
    assert fonts.uncovered("Ankh 𓋹 and 𓋹 again") == ["𓋹"]
    assert len(find_fonts()) >= 7  # four script fonts, DejaVu, Droid Sans Fallback, Nanum


LONGEST = {
    # 100 characters (the API's limit) of each script, as words.
    "latin": ("Wolfeschlegelsteinhausenbergerdorff-Núñez " * 3)[:100],
    "arabic": ("عبد الرحمن بن محمد الهاشمي " * 4)[:100],
    "devanagari": ("प्रियंका शर्मा चतुर्वेदी " * 5)[:100],
    "chinese": "王秀英欧阳" * 20,
    "korean": "김민준박서연" * 16 + "김민준박",
    "vietnamese": ("Nguyễn Thị Ánh Hồng Phượng " * 4)[:100],
}


@pytest.mark.parametrize("script", sorted(LONGEST))
def test_the_longest_name_in_every_script_stays_inside_its_box(script: str, tmp_path: Path) -> None:
    """Everything a long name changes on the front lies inside the name's boxes."""
    long = LONGEST[script].strip()
    assert len(long) <= 100
    short = _raster(render_card(_document("A", "B"), load_theme()), tmp_path)
    tall = _raster(
        render_card(_document(long, long, latin_name=LONGEST["latin"]), load_theme()), tmp_path
    )
    changed = ImageChops.difference(short, tall).point(lambda v: 255 if v > 40 else 0)
    box = changed.getbbox()
    assert box is not None
    left, top, right, bottom = box
    assert left >= _px(TEXT_LEFT) - 2
    assert right <= _px(TEXT_LEFT + TEXT_WIDTH) + 2
    assert top >= _px(CARD_HEIGHT - TEXT_TOP) - 2
    assert bottom <= _px(CARD_HEIGHT - NAME_BOTTOM) + 2


def test_the_longest_back_the_api_accepts_stays_beside_the_qr(tmp_path: Path) -> None:
    """Address, languages and emergency contact at their longest stay in the left column."""
    from cards.qr_drawing import QR_BOX
    from cards.render import CARD_WIDTH, MARGIN, QR_RIGHT_MARGIN, QR_TOP_MARGIN

    words = "Avenida Libertador General San Martín Nguyễn Thị Ánh Hồng Phượng 1234 "
    longest = _document(
        "A",
        address_lines=[(words * 4)[:200] + ", " + "U" * 50, ("City " * 30)[:100] + " 0651012345"],
        preferred_languages=["L" * 40, "Kreyòl Ayisyen " * 3],
        emergency_contact=("عبد الرحمن بن محمد " * 12)[:200] + " +1 203 555 0100 ext 12345",
    )
    short = _raster(render_card(_document("A"), load_theme()), tmp_path, page=2)
    tall = _raster(render_card(longest, load_theme()), tmp_path, page=2)
    changed = ImageChops.difference(short, tall).point(lambda v: 255 if v > 40 else 0)
    box = changed.getbbox()
    assert box is not None
    left, top, right, bottom = box
    qr_left = CARD_WIDTH - QR_RIGHT_MARGIN - QR_BOX
    assert left >= _px(MARGIN) - 2
    assert right <= _px(qr_left) + 2
    assert top >= 0
    assert bottom <= _px(QR_TOP_MARGIN + QR_BOX) + 2
