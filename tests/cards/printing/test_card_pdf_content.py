"""What the printed card carries, read back from the PDF bytes the printer receives."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from app.applicants.models import Photo
from app.cards.printing.models import PrintJob
from cards.numbers import grouped
from tests.support.builders import make_applicant, make_card
from tests.support.http import Login

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("signing_key"),
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("pdfimages")), reason="poppler-utils"
    ),
]


def _card_pdf(
    client: TestClient, session: Session, login: Login, tmp_path: Path, **applicant: Any
) -> Path:
    holder = make_applicant(session, **applicant)
    card = make_card(session, holder, status="pending_print")
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card.id)).one()
    response = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=login("printer"))
    assert response.status_code == 200, response.text
    path = tmp_path / f"{card.number}.pdf"
    path.write_bytes(response.content)
    return path


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _images(pdf: Path) -> int:
    done = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    return len(done.stdout.splitlines()) - 2  # two header lines


def test_the_card_shows_the_holders_chosen_details(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    pdf = _card_pdf(
        client,
        session,
        login,
        tmp_path,
        given_name="Ngozi",
        family_name="Okonkwo",
        street="200 Orange St",
        unit="Apt 4",
        language_1="Igbo",
        language_2="English",
        emergency_contact_name="Chidi Okonkwo",
        emergency_contact_phone="203-555-0188",
    )
    text = _text(pdf)
    for shown in ("Ngozi", "Okonkwo", "200 Orange St", "Igbo", "Chidi Okonkwo", "203-555-0188"):
        assert shown in text
    assert grouped(pdf.stem) in text


def test_an_address_left_off_the_card_is_nowhere_in_the_pdf(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    pdf = _card_pdf(
        client,
        session,
        login,
        tmp_path,
        street="12 Safe House Rd",
        city="Fairhaven Heights",
        address_on_card=False,
    )
    text = _text(pdf)
    assert "Ánh" in text  # the card is there, only the address is not
    assert "Safe House" not in text
    assert "Fairhaven" not in text


def test_the_stored_photo_is_printed(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    without = _images(_card_pdf(client, session, login, tmp_path))
    holder = make_applicant(session)
    portrait = io.BytesIO()
    Image.new("RGB", (300, 400), (180, 120, 90)).save(portrait, "JPEG")
    session.add(
        Photo(
            applicant_id=holder.id,
            jpeg=portrait.getvalue(),
            width=300,
            height=400,
            uploaded_by="test",
        )
    )
    session.commit()
    card = make_card(session, holder, status="pending_print")
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card.id)).one()
    response = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=login("printer"))
    path = tmp_path / "with-photo.pdf"
    path.write_bytes(response.content)
    assert _images(path) == without + 2  # the photo, and its ghost beside it


def test_a_care_of_address_prints_whose_address_it_is_first(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    pdf = _card_pdf(
        client, session, login, tmp_path, care_of="Columbus House", street="586 Ella Grasso Blvd"
    )
    text = _text(pdf)
    assert "c/o Columbus House, 586 Ella Grasso Blvd" in text


def test_a_holder_without_an_address_gets_a_card_without_an_address_field(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    pdf = _card_pdf(client, session, login, tmp_path, street=None, city=None, postal_code=None)
    text = _text(pdf)
    assert "Ánh" in text
    assert "Address" not in text  # no label over an empty field
