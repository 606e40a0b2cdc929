"""The residents' pages through the app's client, in English and Spanish: the landing page, the
document pre-check (a plain GET form that answers as `POST /v1/eligibility` does) and what to
bring with the branches."""

from __future__ import annotations

import html
import secrets
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.branches.models import Branch
from app.db import session_factory
from tests.support.console import csrf_of, text_of

ENOUGH = ["us_passport", "utility_bill"]
NOT_ENOUGH = ["birth_certificate"]


def _words(page: httpx2.Response) -> str:
    return html.unescape(text_of(page))


def _in(client: TestClient, locale: str) -> TestClient:
    """The client after choosing `locale` with the language switch, as a resident would."""
    if locale != "en":
        page = client.get("/")
        answer = client.post(
            "/language",
            data={"locale": locale, "next": "/", "csrf_token": csrf_of(page)},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    return client


def _api(client: TestClient, documents: list[str], locale: str) -> dict[str, Any]:
    answer = client.post(
        "/v1/eligibility", json={"documents": documents}, headers={"Accept-Language": locale}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["language"] == locale
    return body


def _check(client: TestClient, documents: list[str]) -> httpx2.Response:
    """The form submitted with scripts off: the browser's GET with the ticked boxes."""
    return client.get("/eligibility", params={"document": documents, "check": "1"})


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "en",
            [
                "whatever their immigration status",
                "your immigration status",
                "your citizenship or nationality",
                "your country of birth",
                "a Social Security number or an ITIN",
                "City staff: sign in",
            ],
        ),
        (
            "es",
            [
                "sea cual sea su situación migratoria",
                "su situación migratoria",
                "su ciudadanía o nacionalidad",
                "su país de nacimiento",
                "un número de Seguro Social o un ITIN",
                "Personal de la ciudad: iniciar sesión",
            ],
        ),
    ],
)
def test_the_landing_page_says_who_can_get_the_card_and_what_is_never_asked(
    client: TestClient, locale: str, words: list[str]
) -> None:
    page = _in(client, locale).get("/")
    assert page.status_code == 200
    assert f'lang="{locale}"' in page.text
    seen = _words(page)
    for expected in words:
        assert expected in seen
    assert 'href="/console/sign-in"' in page.text
    assert 'href="/eligibility"' in page.text
    assert 'href="/what-to-bring"' in page.text


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_pre_check_lists_the_catalog_in_the_page_language(
    client: TestClient, locale: str
) -> None:
    page = _in(client, locale).get("/eligibility")
    assert page.status_code == 200
    seen = _words(page)
    for document in client.get("/v1/documents").json():
        assert document[f"name_{locale}"] in seen
        assert f'value="{document["code"]}"' in page.text
    legends = {
        "en": ["Documents that prove who you are", "Documents that prove you live in the city"],
        "es": [
            "Documentos que prueban quién es usted",
            "Documentos que prueban que vive en la ciudad",
        ],
    }[locale]
    for legend in legends:
        assert legend in seen
    # Nothing is answered before the form is sent.
    assert 'id="result"' not in page.text


@pytest.mark.parametrize("locale", ["en", "es"])
def test_enough_documents_are_enough_as_the_api_says(client: TestClient, locale: str) -> None:
    api = _api(client, ENOUGH, locale)
    assert api["eligible"] is True
    page = _check(_in(client, locale), ENOUGH)
    assert page.status_code == 200
    seen = _words(page)
    heading = {"en": "These documents are enough", "es": "Estos documentos son suficientes"}
    assert heading[locale] in seen
    for document in api["documents"]:
        assert document["name"] in seen
    for reminder in api["reminders"]:
        assert reminder in seen
    # The ticked boxes stay ticked.
    for code in ENOUGH:
        assert f'value="{code}" checked' in page.text


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_set_that_is_not_enough_shows_what_is_missing_as_the_api_says(
    client: TestClient, locale: str
) -> None:
    api = _api(client, NOT_ENOUGH, locale)
    assert api["eligible"] is False
    assert len(api["missing"]) >= 2
    page = _check(_in(client, locale), NOT_ENOUGH)
    assert page.status_code == 200
    seen = _words(page)
    heading = {
        "en": "These documents are not enough yet",
        "es": "Estos documentos todavía no son suficientes",
    }
    assert heading[locale] in seen
    for missing in api["missing"]:
        assert missing["detail"] in seen


def test_checking_with_nothing_ticked_shows_every_requirement(client: TestClient) -> None:
    api = _api(client, [], "en")
    seen = _words(_check(client, []))
    assert "These documents are not enough yet" in seen
    for missing in api["missing"]:
        assert missing["detail"] in seen


def test_a_document_not_in_the_catalog_is_refused_on_a_page(client: TestClient) -> None:
    page = _check(client, ["not_a_document"])
    assert page.status_code == 422
    assert "This document is not in the city's list." in _words(page)


def _branch_with_hours() -> tuple[str, str, str]:
    code = f"library-{secrets.token_hex(3)}"
    address = "133 Elm Street, New Haven"
    hours = "Mon–Fri 9:00–17:00; Sat 10:00–14:00"
    with session_factory()(expire_on_commit=True) as s:
        s.add(Branch(code=code, name=f"Main Library {code}", address=address, opening_hours=hours))
        s.commit()
    return code, address, hours


@pytest.mark.parametrize("locale", ["en", "es"])
def test_what_to_bring_lists_the_requirements_the_documents_and_the_branches(
    client: TestClient, locale: str
) -> None:
    code, address, hours = _branch_with_hours()
    page = _in(client, locale).get("/what-to-bring")
    assert page.status_code == 200
    seen = _words(page)
    api = _api(client, [], locale)
    words = {
        "en": [
            "What to bring and where to go",
            f"documents worth at least {api['identity_points_needed']} identity points",
            "at least one identity document with a photo",
            "Where to go",
            "Opening hours",
        ],
        "es": [
            "Qué traer y adónde ir",
            f"documentos que sumen al menos {api['identity_points_needed']} puntos de identidad",
            "al menos un documento de identidad con foto",
            "Adónde ir",
            "Horario",
        ],
    }[locale]
    for expected in words:
        assert expected in seen
    for reminder in api["reminders"]:
        assert reminder in seen
    for document in client.get("/v1/documents").json():
        assert document[f"name_{locale}"] in seen
    assert f"Main Library {code}" in seen
    assert address in seen
    assert hours in seen
