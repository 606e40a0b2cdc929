"""The card's own codeword maths and data placement give exactly what qrcode's reference
implementation gives."""

from __future__ import annotations

import random
from typing import Literal, cast

import pytest
import qrcode
from qrcode.util import ALPHA_NUM, MODE_ALPHA_NUM, QRData, create_data

from cards.qr import _LEVELS, MASK_PATTERN, MAX_VERSION, _smallest_version, codewords, qr_matrix

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


@pytest.mark.parametrize(("level_name", "level"), _LEVELS)
def test_the_matrix_is_module_for_module_what_qrcode_builds(level_name: str, level: int) -> None:
    compared = 0
    for text in _texts(level):
        matrix = qr_matrix(text)
        if matrix.error_level != level_name:
            continue  # Q fits it: the card uses Q
        compared += 1
        reference = qrcode.QRCode(
            version=matrix.version, error_correction=level, border=0, mask_pattern=MASK_PATTERN
        )
        reference.add_data(QRData(text, mode=cast(Literal[2], MODE_ALPHA_NUM)))
        reference.make(fit=False)
        assert matrix.modules == [[bool(cell) for cell in row] for row in reference.modules]
    assert compared > 10
