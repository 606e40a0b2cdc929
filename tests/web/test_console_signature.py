"""The signature page without scripts: a scan is uploaded, kept as ink, shown back; a blank page
or no file is refused at the field and keeps nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from app.applicants.models import Signature
from tests.support.builders import fresh_look, make_applicant
from tests.support.console import post_form, signed_in, text_of


def _scan(ink: bool) -> bytes:
    paper = Image.new("RGB", (800, 240), "white")
    if ink:
        ImageDraw.Draw(paper).line([(60, 180), (200, 60), (330, 170), (520, 70)], "black", 6)
    out = io.BytesIO()
    paper.save(out, "PNG")
    return out.getvalue()


def _signatures(session: Session) -> int:
    fresh_look(session)
    return int(session.scalar(sa.select(sa.func.count()).select_from(Signature)) or 0)


def test_a_scanned_signature_is_kept_and_shown_as_the_card_prints_it(
    client: TestClient, session: Session
) -> None:
    applicant_id = make_applicant(session, status="pending").id
    session.commit()
    signed_in(client, "clerk")
    url = f"/console/people/{applicant_id}/signature"
    assert "No signature on file." in text_of(client.get(url))
    saved = post_form(client, url, url, {}, files={"signature": ("scan.png", _scan(True))})
    assert saved.status_code == 200, saved.text
    assert "The signature is saved." in text_of(saved)
    assert f'src="/console/people/{applicant_id}/signature.png"' in saved.text
    image = client.get(f"{url}.png")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    kept = Image.open(io.BytesIO(image.content))
    assert kept.mode == "RGBA"  # ink on transparency
    assert _signatures(session) == 1
    assert "A signature is on file." in text_of(client.get(f"/console/people/{applicant_id}"))


@pytest.mark.parametrize("upload", ["none", "blank"])
def test_no_file_or_a_blank_page_is_refused_at_the_field(
    client: TestClient, session: Session, upload: str
) -> None:
    applicant_id = make_applicant(session, status="pending").id
    session.commit()
    signed_in(client, "clerk")
    url = f"/console/people/{applicant_id}/signature"
    files = {"signature": ("scan.png", _scan(False))} if upload == "blank" else None
    refused = post_form(client, url, url, {}, files=files)
    assert refused.status_code == 422
    expected = (
        "No signature shows in this image."
        if upload == "blank"
        else "Sign on the pad or choose a scan of the signature."
    )
    assert text_of(refused).count(expected) == 2  # in the summary and at the field
    assert _signatures(session) == 0
