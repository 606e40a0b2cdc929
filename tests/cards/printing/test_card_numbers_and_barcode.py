"""New cards carry a 14-digit library patron number, printed on the back as a Codabar barcode
that zbar reads (as a library desk scanner would) beside the QR; cards issued with 16-digit
numbers keep them and keep working."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards import numbers
from app.cards.printing.models import PrintJob
from app.config import settings
from cards.numbers import grouped
from tests.support.builders import make_applicant, make_card
from tests.support.http import Login

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("signing_key"),
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="make tools"
    ),
]
LEGACY = "4000123412341234"  # 16 digits with a valid Luhn check digit, as cards were issued


def _scan_back(pdf: bytes, workdir: Path) -> dict[str, list[str]]:
    """Symbols zbar finds on the back (page 2) rasterised at 300 dpi, by symbology."""
    (workdir / "card.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-f", "2", "-l", "2", "-png"]
        + [str(workdir / "card.pdf"), str(workdir / "back")],
        check=True,
    )
    (page,) = workdir.glob("back*.png")
    done = subprocess.run(
        ["zbarimg", "--quiet", str(page)], capture_output=True, text=True, check=False
    )
    found: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        kind, _, data = line.partition(":")
        found.setdefault(kind, []).append(data)
    return found


def _pdf_of(client: TestClient, session: Session, login: Login, card_id: str) -> bytes:
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card_id)).one()
    response = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=login("printer"))
    assert response.status_code == 200, response.text
    return response.content


def test_new_numbers_are_patron_barcodes_never_payment_card_numbers() -> None:
    drawn = {numbers.new_card_number() for _ in range(2000)}
    # Eight random digits: 2000 draws repeat one with about 2% odds (the birthday bound), and
    # issuing draws again on a taken number (cards.service). More than ten repeats has odds below
    # 1e-20; a generator with little entropy repeats far more.
    assert len(drawn) > 1990
    for number in drawn:
        assert len(number) == 14
        assert number.startswith("2" + settings.card_institution_code)
        assert numbers.is_valid(number)
    one = next(iter(drawn))
    wrong_check = one[:-1] + str((int(one[-1]) + 1) % 10)
    assert not numbers.is_valid(wrong_check)
    assert numbers.new_card_number("0042").startswith("20042")


def test_the_back_carries_a_codabar_and_a_qr_that_zbar_reads(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, make_applicant(session), status="pending_print")
    assert numbers.is_patron_number(card.number)
    found = _scan_back(_pdf_of(client, session, login, card.id), tmp_path)
    # zbar reports Codabar with its start and stop characters.
    assert found.get("Codabar") == [f"A{card.number}A"], found
    assert len(found.get("QR-Code", [])) == 1, found


def test_a_card_issued_with_a_16_digit_number_keeps_it_and_keeps_working(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, make_applicant(session), status="pending_print", number=LEGACY)
    found = _scan_back(_pdf_of(client, session, login, card.id), tmp_path)
    assert found.get("Codabar") == [f"A{LEGACY}A"], found
    response = client.get(f"/v1/cards/{grouped(LEGACY)}", headers=login("clerk"))
    assert response.status_code == 200, response.text
    assert response.json()["number"] == LEGACY
    typo = client.get(f"/v1/cards/{LEGACY[:-1]}5", headers=login("clerk"))
    assert typo.status_code == 404
