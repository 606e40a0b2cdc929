"""The card's fonts: DejaVu Sans (bundled) for Latin, Greek, Cyrillic and Vietnamese, and the
system's Noto fonts for the scripts DejaVu lacks or shapes poorly.

Which files to use is data: a list of folders to look in (the app passes its setting; the
default is where Debian's fonts-noto-core and fonts-droid-fallback put them). A font that is
missing only narrows what the card can print, and `uncovered` says so before anything prints.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/droid"),
    Path("/usr/share/fonts/truetype/nanum"),
)
# Regular and bold file names, in the order a character looks for a font. The script fonts come
# before DejaVu because DejaVu's Arabic and Hebrew lack proper shaping; none of them has Latin
# letters, so Latin always falls to DejaVu. Droid Sans Fallback (the font Noto CJK grew from) is
# TrueType, which reportlab can embed (Noto CJK is CFF, which it cannot); it has no bold and no
# Hangul, which Nanum Gothic (fonts-nanum) brings.
SCRIPT_FONTS = (
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
)
BUNDLED = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FALLBACK_FONTS = (
    ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
    ("NanumGothic.ttf", "NanumGothicBold.ttf"),
)


@dataclass(frozen=True)
class FontFile:
    regular: Path
    bold: Path


@dataclass(frozen=True)
class Face:
    """One registered font: its reportlab name and the characters it has glyphs for."""

    name: str
    chars: frozenset[int]

    def covers(self, char: str) -> bool:
        return ord(char) in self.chars


@dataclass(frozen=True)
class FontSet:
    regular: tuple[Face, ...]
    bold: tuple[Face, ...]

    def faces(self, bold: bool) -> tuple[Face, ...]:
        return self.bold if bold else self.regular

    def latin(self, bold: bool) -> Face:
        """The face for Latin letters (and the default for neutral characters)."""
        return next(face for face in self.faces(bold) if face.covers("A"))

    def uncovered(self, text: str) -> list[str]:
        """The characters of `text` that no card font can print, each once, in order."""
        missing: list[str] = []
        for char in text:
            if _invisible(char) or char in missing:
                continue
            if not any(face.covers(char) for face in self.regular):
                missing.append(char)
        return missing


def _invisible(char: str) -> bool:
    # Joiners and direction marks steer shaping and are never drawn themselves.
    return unicodedata.category(char) == "Cf"


def find_fonts(dirs: Sequence[Path] = DEFAULT_FONT_DIRS) -> list[FontFile]:
    """The card's fonts in preference order: script fonts found in `dirs`, DejaVu, fallbacks."""

    def found(names: tuple[str, str]) -> FontFile | None:
        for folder in dirs:
            regular, bold = folder / names[0], folder / names[1]
            if regular.is_file():
                return FontFile(regular, bold if bold.is_file() else regular)
        return None

    scripts = [f for f in map(found, SCRIPT_FONTS) if f is not None]
    fallbacks = [f for f in map(found, FALLBACK_FONTS) if f is not None]
    bundled = FontFile(FONT_DIR / BUNDLED[0], FONT_DIR / BUNDLED[1])
    return [*scripts, bundled, *fallbacks]


@cache
def _register(path: Path) -> Face:
    name = f"Card-{path.stem}"
    # shapable: reportlab hands the text to HarfBuzz (uharfbuzz) before drawing it.
    font = TTFont(name, str(path), shapable=True)
    pdfmetrics.registerFont(font)
    return Face(name=name, chars=frozenset(font.face.charToGlyph))


@cache
def load_fonts(files: tuple[FontFile, ...]) -> FontSet:
    return FontSet(
        regular=tuple(_register(f.regular) for f in files),
        bold=tuple(_register(f.bold) for f in files),
    )


def default_fonts(dirs: tuple[Path, ...] = DEFAULT_FONT_DIRS) -> FontSet:
    return load_fonts(tuple(find_fonts(dirs)))
