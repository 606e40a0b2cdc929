"""A long batch drawn in chunks comes out as one PDF: every card, front then back, in order, with
its photo and fonts, whether it took one chunk or several."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from cards.batch import write_batch
from cards.credential import CardClaims, issue_qr
from cards.document import CardDocument
from cards.keys import SigningKey
from cards.theme import load_theme

KEY = SigningKey.generate()
NOW = datetime.now(UTC)


def _photo(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), (shade, 120, 90)).save(out, "JPEG")
    return out.getvalue()


def _document(i: int) -> CardDocument:
    number = f"212340000000{i:02d}"
    claims = CardClaims(
        card_number=number,
        given_name=f"Holder{i}",
        family_name="Okafor",
        date_of_birth=date(1990, 1, 2),
        gender=None,
        issuer="https://id.example.city",
        issued_at=NOW,
        expires_at=NOW + timedelta(days=365),
        status_list_uri="https://id.example.city/v1/status-lists/1",
        status_index=i,
    )
    return CardDocument(
        card_number=number,
        given_name=f"Holder{i}",
        family_name="Okafor",
        date_of_birth=claims.date_of_birth,
        expires_on=claims.expires_at.date(),
        qr_text=issue_qr(claims, KEY),
        photo_jpeg=_photo(10 * i),
    )


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("chunk", [2, 25])  # several chunks joined; one chunk as it is
def test_every_card_front_then_back_in_order(tmp_path: Path, chunk: int) -> None:
    docs = [_document(i) for i in range(5)]
    pdf = tmp_path / "batch.pdf"
    with pdf.open("wb") as out:
        # A generator, as the print service passes its rows: taken a chunk at a time.
        count = write_batch((d for d in docs), load_theme(), out, chunk=chunk)
    assert count == 5
    assert "Pages:           10" in _run("pdfinfo", str(pdf))
    for page, doc in enumerate(docs):
        front = _run("pdftotext", "-f", str(2 * page + 1), "-l", str(2 * page + 1), str(pdf), "-")
        assert doc.given_name in front
        back = _run("pdftotext", "-f", str(2 * page + 2), "-l", str(2 * page + 2), str(pdf), "-")
        assert doc.grouped_number in back
    # Each card's own photo, drawn twice (photo and ghost) from one embedded image per card.
    images = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    assert len(images) == 10
    assert len({line.split()[10] for line in images}) == 5  # object numbers: one image per card
    fonts = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts)  # every font embedded


def test_an_empty_batch_is_a_valid_pdf_of_no_cards(tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    with pdf.open("wb") as out:
        assert write_batch([], load_theme(), out) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_card_taken_twice_is_drawn_twice(tmp_path: Path) -> None:
    doc = _document(1)
    pdf = tmp_path / "twice.pdf"
    with pdf.open("wb") as out:
        write_batch([doc, replace(doc)], load_theme(), out, chunk=1)
    assert "Pages:           4" in _run("pdfinfo", str(pdf))
