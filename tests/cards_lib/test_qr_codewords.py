"""The card's own codeword maths gives exactly what qrcode's reference implementation gives."""

from __future__ import annotations

import random
from typing import Literal, cast

import pytest
from qrcode.util import ALPHA_NUM, MODE_ALPHA_NUM, QRData, create_data

from cards.qr import _LEVELS, MAX_VERSION, _smallest_version, codewords

ALPHABET = ALPHA_NUM.decode()


def _texts(level: int) -> list[str]:
    rng = random.Random(169)
    longest = max(n for n in range(1, 2000) if _smallest_version(n, level) is not None)
    lengths = [1, 2, 3, 44, 45, 46, longest - 1, longest]
    lengths += [rng.randint(1, longest) for _ in range(150)]
    return ["".join(rng.choice(ALPHABET) for _ in range(n)) for n in lengths]


@pytest.mark.parametrize(("level_name", "level"), _LEVELS)
def test_codewords_match_the_qrcode_library_for_every_version_the_card_uses(
    level_name: str, level: int
) -> None:
    versions_seen = set()
    for text in _texts(level):
        version = _smallest_version(len(text), level)
        if version is None:
            continue
        versions_seen.add(version)
        reference = create_data(
            version, level, [QRData(text, mode=cast(Literal[2], MODE_ALPHA_NUM))]
        )
        assert codewords(text, version, level) == reference, (level_name, version, len(text))
    # The texts reach from the smallest code to the largest a card prints.
    assert {1, MAX_VERSION} <= versions_seen
