"""The card's QR matrix: alphanumeric mode, error correction Q (M only when Q cannot fit).

Printed with modules of at least 0.42 mm and a 4-module quiet zone inside 40 mm, so the largest
version is 17: (85 + 8) × 0.42 mm = 39.06 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import qrcode
from qrcode.base import EXP_TABLE, LOG_TABLE, rs_blocks
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.LUT import rsPoly_LUT
from qrcode.util import ALPHA_NUM, BIT_LIMIT_TABLE, MODE_ALPHA_NUM, PAD0, PAD1, QRData

MAX_VERSION = 17
QUIET_ZONE = 4
# Mask evaluation is most of the cost of building a code (8 trial masks with a penalty score in
# pure Python). One fixed mask keeps every code decodable at a sixth of the cost; the suite
# checks that zbar reads real card codes from a 300-dpi raster.
MASK_PATTERN = 4
_LEVELS = (("Q", ERROR_CORRECT_Q), ("M", ERROR_CORRECT_M))
_ALPHANUMERIC = {char: i for i, char in enumerate(ALPHA_NUM.decode())}


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


def _error_correction(data: bytes, count: int) -> list[int]:
    """Reed-Solomon remainder of `data` by the code's generator of degree `count`, as a shift
    register over log tables: the same codewords as qrcode's polynomial arithmetic, which builds
    a polynomial object per step and was half the cost of a card's code."""
    generator = [LOG_TABLE[g] for g in rsPoly_LUT[count][1:]]
    remainder = [0] * count
    for byte in data:
        factor = byte ^ remainder[0]
        del remainder[0]
        remainder.append(0)
        if factor:
            log = LOG_TABLE[factor]
            for i, g in enumerate(generator):
                remainder[i] ^= EXP_TABLE[(log + g) % 255]
    return remainder


def codewords(text: str, version: int, level: int) -> list[int]:
    """The code's data and error-correction codewords, interleaved (ISO/IEC 18004 §7.4–7.6),
    for alphanumeric `text`."""
    value, bits = MODE_ALPHA_NUM, 4
    count_bits = 9 if version < 10 else 11
    value, bits = (value << count_bits) | len(text), bits + count_bits
    for i in range(0, len(text) - 1, 2):
        pair = _ALPHANUMERIC[text[i]] * 45 + _ALPHANUMERIC[text[i + 1]]
        value, bits = (value << 11) | pair, bits + 11
    if len(text) % 2:
        value, bits = (value << 6) | _ALPHANUMERIC[text[-1]], bits + 6
    blocks = rs_blocks(version, level)
    capacity = sum(block.data_count for block in blocks) * 8
    if bits > capacity:
        raise QrTooLong(f"{len(text)} characters do not fit a version-{version} code")
    pad = min(capacity - bits, 4)  # the terminator, then zeros to a whole byte
    pad += (-(bits + pad)) % 8
    value, bits = value << pad, bits + pad
    data = value.to_bytes(bits // 8, "big") + bytes(
        PAD0 if i % 2 == 0 else PAD1 for i in range((capacity - bits) // 8)
    )
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        chunk = data[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_error_correction(chunk, block.total_count - block.data_count))
    out = [b[i] for i in range(max(map(len, data_blocks))) for b in data_blocks if i < len(b)]
    out += [e[i] for i in range(max(map(len, ec_blocks))) for e in ec_blocks if i < len(e)]
    return out


def qr_matrix(text: str) -> QrMatrix:
    for name, level in _LEVELS:
        version = _smallest_version(len(text), level)
        if version is None:
            continue
        code = qrcode.QRCode(
            version=version, error_correction=level, border=0, mask_pattern=MASK_PATTERN
        )
        code.add_data(QRData(text, mode=cast(Literal[2], MODE_ALPHA_NUM)))
        # qrcode places what is in its data cache; filling it spares its slow codeword maths.
        code.data_cache = codewords(text, version, level)
        code.make(fit=False)
        modules = [[bool(cell) for cell in row] for row in code.modules]
        return QrMatrix(modules=modules, version=version, error_level=name)
    raise QrTooLong(f"{len(text)} characters do not fit a version-{MAX_VERSION} code at level M")
