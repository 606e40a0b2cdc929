"""Base45 (RFC 9285), with decoding that fails only with Malformed."""

from __future__ import annotations

import struct

from cards.errors import Malformed

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 255
_TABLE = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else _INVALID for b in range(256))


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, n = divmod(n, 45 * 45)
        d, c = divmod(n, 45)
        out.append(ALPHABET[c] + ALPHABET[d] + ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(ALPHABET[c] + ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    # translate() and one comprehension keep the per-character work in C: decoding is on the
    # hot path of every verification.
    try:
        values = text.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError:
        raise Malformed("not Base45") from None
    if _INVALID in values:
        raise Malformed("not Base45")
    whole, rest = divmod(len(values), 3)
    if rest == 1:
        raise Malformed("not Base45: a stray character at the end")
    words = [
        a + 45 * b + 2025 * c
        for a, b, c in zip(values[0::3], values[1::3], values[2::3], strict=False)
    ]
    if words and max(words) > 0xFFFF:
        raise Malformed("not Base45: a triple out of range")
    out = struct.pack(f">{whole}H", *words)
    if rest == 2:
        n = values[-2] + values[-1] * 45
        if n > 0xFF:
            raise Malformed("not Base45: a pair out of range")
        out += bytes((n,))
    return out
