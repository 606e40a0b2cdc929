"""cards/ through its public functions: independent decoders agree, bad QR texts fail with the
right reason, and the PDF has the card's exact size, embedded fonts and names that stay inside."""

from __future__ import annotations

import io
import re
import subprocess
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cbor2
import claim169
import pytest

from cards.base45 import b45decode, b45encode
from cards.credential import issue_qr, verify_qr
from cards.document import CardDocument
from cards.errors import CredentialError
from cards.keys import KeySet, SigningKey
from cards.render import render_card
from cards.theme import load_theme
from tests.support.claims import card_claims

KEY = SigningKey.generate()
KEYS = KeySet([KEY.public_key])
NOW = datetime.now(UTC)
CLAIMS = card_claims(
    given_name="Nguyễn Thị", family_name="Ánh", issued_at=NOW, expires_at=NOW + timedelta(days=365)
)
CARD_W, CARD_H = 242.6457, 153.0142


def _reason(text: str) -> str:
    with pytest.raises(CredentialError) as caught:
        verify_qr(text, KEYS)
    return caught.value.reason


def test_the_claim169_decoder_verifies_our_qr() -> None:
    result = claim169.decode_with_ed25519(issue_qr(CLAIMS, KEY), KEY.public_key)
    assert result.is_verified
    with pytest.raises(claim169.SignatureError):
        claim169.decode_with_ed25519(issue_qr(CLAIMS, KEY), SigningKey.generate().public_key)


def test_tampered_truncated_and_foreign_texts_fail_with_their_reason() -> None:
    text = issue_qr(CLAIMS, KEY)
    assert verify_qr(text, KEYS).claims.family_name == "Ánh"
    assert _reason(text[:-9]) == "malformed"
    assert _reason(text + "a") == "malformed"
    assert _reason("x" * 5000) == "malformed"
    assert _reason(b45encode(zlib.compress(b"\x00" * 50_000_000))) == "malformed"
    cose = cbor2.loads(zlib.decompress(b45decode(text)))
    protected, unprotected, payload, signature = cose.value
    tampered = payload.replace(b"4000123412341234", b"4000123412341235")  # same length: valid CBOR
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, tampered, signature]))
    assert _reason(b45encode(zlib.compress(forged))) == "bad_signature"
    assert _reason(issue_qr(CLAIMS, SigningKey.generate())) == "unknown_key"
    assert _reason(issue_qr(replace(CLAIMS, expires_at=NOW - timedelta(days=1)), KEY)) == "expired"


def _document(**overrides: object) -> CardDocument:
    fields: dict[str, object] = {
        "card_number": CLAIMS.card_number,
        "given_name": "Nguyễn Thị Ánh",
        "family_name": "Đặng O'Brien-Núñez",
        "date_of_birth": CLAIMS.date_of_birth,
        "expires_on": date(2031, 1, 2),
        "qr_text": issue_qr(CLAIMS, KEY),
    }
    fields.update(overrides)
    return CardDocument(**fields)  # type: ignore[arg-type]


@pytest.mark.slow
def test_two_cr80_pages_with_embedded_fonts_and_names_that_extract(tmp_path: Path) -> None:
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(render_card(_document(), load_theme()))
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "2", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == 2
    for width, height in sizes:
        assert abs(float(width) - CARD_W) < 0.01
        assert abs(float(height) - CARD_H) < 0.01
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Nguyễn Thị Ánh" in text
    assert "Đặng O'Brien-Núñez" in text


@pytest.mark.slow
def test_an_overlong_name_stays_inside_the_card(tmp_path: Path) -> None:
    pdf = tmp_path / "long.pdf"
    long_name = "Wolfeschlegelsteinhausenbergerdorff " * 3 + "Nguyễn"
    pdf.write_bytes(
        render_card(_document(family_name=long_name.strip(), given_name="Ánh " * 25), load_theme())
    )
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)
    assert len(boxes) > 10
    for x_min, y_min, x_max, y_max in boxes:
        assert float(x_min) >= 0
        assert float(y_min) >= 0
        assert float(x_max) <= CARD_W
        assert float(y_max) <= CARD_H


def test_a_card_without_gender_or_address_prints_neither() -> None:
    pdf = render_card(_document(gender=None, address_lines=None), load_theme())
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Gender" not in text
    assert "Address" not in text
    with_both = render_card(_document(gender="X", address_lines=["1 Elm St"]), load_theme())
    shown = subprocess.run(
        ["pdftotext", "-", "-"], input=with_both, capture_output=True, check=True
    ).stdout.decode()
    assert "Gender" in shown
    assert "1 Elm St" in shown
    assert io.BytesIO(pdf).read(4) == b"%PDF"
