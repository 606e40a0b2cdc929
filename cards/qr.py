"""The card's QR matrix: alphanumeric mode, error correction Q (M only when Q cannot fit).

Printed with modules of at least 0.42 mm and a 4-module quiet zone inside 40 mm, so the largest
version is 17: (85 + 8) × 0.42 mm = 39.06 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import qrcode
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.util import BIT_LIMIT_TABLE, MODE_ALPHA_NUM, QRData

MAX_VERSION = 17
QUIET_ZONE = 4
# Mask evaluation is most of the cost of building a code (8 trial masks with a penalty score in
# pure Python). One fixed mask keeps every code decodable at a sixth of the cost; the suite
# checks that zbar reads real card codes from a 300-dpi raster.
MASK_PATTERN = 4
_LEVELS = (("Q", ERROR_CORRECT_Q), ("M", ERROR_CORRECT_M))


class QrTooLong(ValueError):
    """The text needs a code larger than a card can print at a readable module size."""


@dataclass(frozen=True)
class QrMatrix:
    modules: list[list[bool]]  # without the quiet zone
    version: int
    error_level: str

    @property
    def size(self) -> int:
        return len(self.modules)

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE


def _bits_needed(length: int, version: int) -> int:
    count_bits = 9 if version < 10 else 11
    return 4 + count_bits + 11 * (length // 2) + 6 * (length % 2)


def _smallest_version(length: int, level: int) -> int | None:
    for version in range(1, MAX_VERSION + 1):
        if _bits_needed(length, version) <= BIT_LIMIT_TABLE[level][version]:
            return version
    return None


def qr_matrix(text: str) -> QrMatrix:
    for name, level in _LEVELS:
        version = _smallest_version(len(text), level)
        if version is None:
            continue
        code = qrcode.QRCode(
            version=version, error_correction=level, border=0, mask_pattern=MASK_PATTERN
        )
        code.add_data(QRData(text, mode=cast(Literal[2], MODE_ALPHA_NUM)))
        code.make(fit=False)
        modules = [[bool(cell) for cell in row] for row in code.modules]
        return QrMatrix(modules=modules, version=version, error_level=name)
    raise QrTooLong(f"{len(text)} characters do not fit a version-{MAX_VERSION} code at level M")
