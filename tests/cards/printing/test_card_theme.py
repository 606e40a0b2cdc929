"""The city's theme reaches the card: RESIDENT_ID_CARD_THEME names the file, and each city's
name, return address, title and optional fields come out of its own PDF."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards.printing.models import PrintJob
from app.config import settings
from app.keys.service import ensure_signing_key
from app.kit import card_look as look
from cards.document import CardDocument
from cards.render import render_card
from cards.theme import ThemeError, load_theme
from tests.support.builders import make_applicant, make_card
from tests.support.http import Login

pytestmark = pytest.mark.slow

CITY = """
city_name = "{city}"
card_title = ["{title}", "Tarjeta Municipal"]
primary = "{primary}"
accent = "#F2A541"
text = "#111111"
muted = "#555555"
background = "#FFFFFF"
seal_initials = "{initials}"
return_line = "If found, mail to:"
return_address = "{address}"

[print]
gender = {gender}

[labels]
date_of_birth = "Born"
expires = "Expires"
gender = "Gender"
card_number = "No."
address = "Address"
languages = "Languages"
emergency_contact = "In emergency"
"""


def _theme_file(folder: Path, **values: str) -> Path:
    path = folder / f"{values['initials']}.toml"
    path.write_text(CITY.format(**values))
    return path


OAKLAND = {
    "city": "City of Oakland",
    "title": "Oakland City ID",
    "primary": "#2E7D32",
    "initials": "OK",
    "address": "1 Frank H. Ogawa Plaza, Oakland CA 94612",
    "gender": "true",
}
RICHMOND = {
    "city": "City of Richmond",
    "title": "Richmond Resident Card",
    "primary": "#6A1B9A",
    "initials": "RC",
    "address": "450 Civic Center Plaza, Richmond CA 94804",
    "gender": "false",
}


def _text(pdf: bytes, folder: Path) -> str:
    path = folder / "card.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _document() -> CardDocument:
    return CardDocument(
        card_number="21234000012344",
        given_name="Ana",
        family_name="Reyes",
        date_of_birth=date(1990, 1, 2),
        expires_on=date(2031, 1, 2),
        issued_on=date(2026, 1, 2),
        qr_text="6BF" * 40,
        gender="X",
    )


def test_two_cities_each_print_their_own_name_and_return_address(tmp_path: Path) -> None:
    texts = {}
    for city in (OAKLAND, RICHMOND):
        theme = load_theme(_theme_file(tmp_path, **city))
        texts[city["city"]] = _text(render_card(_document(), theme), tmp_path)
    oakland, richmond = texts["City of Oakland"], texts["City of Richmond"]
    assert "City of Oakland" in oakland
    assert "Frank H. Ogawa Plaza" in oakland
    assert "Oakland City ID · Tarjeta Municipal" in oakland
    assert "Richmond" not in oakland
    assert "City of Richmond" in richmond
    assert "450 Civic Center Plaza" in richmond
    assert "Oakland" not in richmond
    # Richmond's theme leaves gender off the card.
    assert "Gender" in oakland
    assert "Gender" not in richmond


def test_a_theme_without_what_the_card_needs_is_refused_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(CITY.format(**OAKLAND).replace('primary = "#2E7D32"\n', ""))
    with pytest.raises(ThemeError, match="primary"):
        load_theme(broken)
    with pytest.raises(ThemeError, match="cannot read"):
        load_theme(tmp_path / "missing.toml")


@pytest.fixture
def city_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    look.card_theme.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    look.card_theme.cache_clear()


def _printed(client: TestClient, session: Session, login: Login, folder: Path) -> str:
    ensure_signing_key(session)
    session.commit()
    card = make_card(session, make_applicant(session), status="pending_print")
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card.id)).one()
    response = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=login("printer"))
    assert response.status_code == 200, response.text
    return _text(response.content, folder)


def test_the_card_theme_setting_and_the_city_name_setting_reach_the_printed_card(
    client: TestClient,
    session: Session,
    login: Login,
    tmp_path: Path,
    city_settings: pytest.MonkeyPatch,
) -> None:
    city_settings.setattr(settings, "card_theme", _theme_file(tmp_path, **RICHMOND))
    text = _printed(client, session, login, tmp_path)
    assert "City of Richmond" in text
    assert "450 Civic Center Plaza" in text
    look.card_theme.cache_clear()
    city_settings.setattr(settings, "city_name", "Ciudad de Richmond")
    text = _printed(client, session, login, tmp_path)
    assert "Ciudad de Richmond" in text
    assert "450 Civic Center Plaza" in text
