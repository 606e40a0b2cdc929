"""What the holder gives at the counter reaches the card: a name in Latin letters under a name
in another script, a single name printed once, a signature (and none left as an empty box), and
a name no card font can print refused before any card exists."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.cards.printing.models import PrintJob
from tests.support.applicants import register
from tests.support.builders import make_card
from tests.support.http import Login

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("signing_key")]


def _signature_png() -> bytes:
    image = Image.new("RGB", (500, 160), "white")
    ImageDraw.Draw(image).line([(20, 120), (120, 30), (240, 130), (360, 40), (480, 110)], "navy", 8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _card_pdf(client: TestClient, session: Session, login: Login, applicant_id: str) -> bytes:
    holder = session.get(Applicant, applicant_id)
    assert holder is not None
    card = make_card(session, holder, status="pending_print")
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card.id)).one()
    response = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=login("printer"))
    assert response.status_code == 200, response.text
    return response.content


def _run(tool: str, pdf: bytes, folder: Path, *args: str) -> str:
    path = folder / "card.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _front_lines(pdf: bytes, folder: Path) -> list[str]:
    text = _run("pdftotext", pdf, folder, "-f", "1", "-l", "1")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_name_in_latin_letters_prints_under_the_name(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    clerk = login("clerk")
    body: dict[str, Any] = register(
        client, clerk, given_name="秀英", family_name="王", latin_name="Wang Xiuying"
    )
    assert body["latin_name"] == "Wang Xiuying"
    lines = _front_lines(_card_pdf(client, session, login, body["id"]), tmp_path)
    assert lines.index("王") < lines.index("秀英") < lines.index("Wang Xiuying")


def test_a_single_name_prints_once_without_a_separator(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    body = register(client, login("clerk"), given_name="", family_name="Sukarno")
    lines = _front_lines(_card_pdf(client, session, login, body["id"]), tmp_path)
    assert lines.count("Sukarno") == 1
    assert not any(line.strip(" ,-·") == "" for line in lines)


def test_a_signature_is_uploaded_and_printed_and_no_box_stands_in_for_a_missing_one(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    clerk = login("clerk")
    without = register(client, clerk)
    signed = register(client, clerk, family_name="Okafor")
    files = {"signature": ("signature.png", _signature_png(), "image/png")}
    response = client.put(f"/v1/applicants/{signed['id']}/signature", files=files, headers=clerk)
    assert response.status_code == 200, response.text
    assert client.get(f"/v1/applicants/{signed['id']}", headers=clerk).json()["has_signature"]
    got = client.get(f"/v1/applicants/{signed['id']}/signature", headers=clerk)
    assert got.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(got.content)).mode == "RGBA"  # ink on transparency

    def images(applicant_id: str) -> int:
        listing = _run(
            "pdfimages", _card_pdf(client, session, login, applicant_id), tmp_path, "-list"
        )
        # Pictures only: a signature's transparency comes as a second entry of type smask.
        return sum(1 for row in listing.splitlines()[2:] if row.split()[2] == "image")

    assert images(signed["id"]) == images(without["id"]) + 1
    labels = " ".join(_front_lines(_card_pdf(client, session, login, without["id"]), tmp_path))
    assert "Signature" not in labels
    blank = client.put(
        f"/v1/applicants/{signed['id']}/signature",
        files={"signature": ("blank.png", _blank_png(), "image/png")},
        headers=clerk,
    )
    assert blank.status_code == 422


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("field", ["family_name", "given_name", "latin_name"])
def test_a_character_no_card_font_has_is_refused_by_name(
    client: TestClient, login: Login, field: str
) -> None:
    clerk = login("clerk")
    body = {
        "given_name": "Ana",
        "family_name": "Reyes",
        "date_of_birth": "1990-01-02",
        "address": {"street": "1 Main St", "city": "New Haven", "postal_code": "06510"},
        field: "Ankh 𓋹",
    }
    response = client.post("/v1/applicants", json=body, headers=clerk)
    assert response.status_code == 422, response.text
    assert "U+132F9" in response.text
    created = register(client, clerk)
    fix = client.patch(f"/v1/applicants/{created['id']}", json={field: "𓋹"}, headers=clerk)
    assert fix.status_code == 422
    assert "U+132F9" in fix.text
