"""Names are compared by their confusable skeleton (Unicode TS 39): Cyrillic or Greek letters
that look Latin do not avoid the duplicate warning or hide a record from search, and invisible
characters cannot be put into a name at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.support.applicants import applicant_body, register
from tests.support.http import Headers

BORN = "1990-01-01"


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("\u0410n\u0430", "L\u043e\u0440\u0435z"),  # Cyrillic А а о р е among Latin letters
        ("\u0410\u043d\u0430", "Lopez"),  # Cyrillic А, then н (not a Latin look-alike): a typo
        ("\u0391n\u03b1", "L\u03bfpez"),  # Greek Α α ο
        ("\u0430n\u0430", "\u217copez"),  # lower-case Cyrillic а, ROMAN NUMERAL FIFTY for L
        ("Ana", "Lope\uff5a"),  # FULLWIDTH z
    ],
)
def test_a_look_alike_in_other_scripts_gets_the_duplicate_warning(
    client: TestClient, login: Callable[..., Headers], given: str, family: str
) -> None:
    headers = login("clerk")
    first = register(client, headers, given_name="Ana", family_name="Lopez", date_of_birth=BORN)
    second = register(client, headers, given_name=given, family_name=family, date_of_birth=BORN)
    assert [(w["code"], w["applicant_id"]) for w in second["warnings"]] == [
        ("possible_duplicate", first["id"])
    ]


def test_a_different_name_on_the_same_day_gets_no_warning(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    headers = login("clerk")
    register(client, headers, given_name="Ana", family_name="Lopez", date_of_birth=BORN)
    other = register(client, headers, given_name="Juan", family_name="Perez", date_of_birth=BORN)
    assert other["warnings"] == []


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u2060", "\ufeff", "\u202e"])
def test_invisible_characters_cannot_dodge_the_warning(
    client: TestClient, login: Callable[..., Headers], invisible: str
) -> None:
    headers = login("clerk")
    register(client, headers, given_name="Ana", family_name="Lopez", date_of_birth=BORN)
    body = applicant_body(given_name="Ana", family_name=f"Lo{invisible}pez", date_of_birth=BORN)
    response = client.post("/v1/applicants", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "family_name"]


@pytest.mark.parametrize("query", ["Lopez", "ana lopez", "L\u043e\u0440\u0435z", "\u0410na"])
def test_search_finds_a_name_whatever_script_its_look_alikes_are_typed_in(
    client: TestClient, login: Callable[..., Headers], query: str
) -> None:
    headers = login("clerk")
    latin = register(client, headers, given_name="Ana", family_name="Lopez", date_of_birth=BORN)
    mixed = register(
        client,
        headers,
        given_name="\u0410n\u0430",
        family_name="L\u043e\u0440\u0435z",
        date_of_birth="1985-05-05",
    )
    register(client, headers, given_name="Juan", family_name="Perez", date_of_birth=BORN)
    found = client.get("/v1/applicants", params={"name": query}, headers=headers)
    assert found.status_code == 200, found.text
    assert sorted(m["id"] for m in found.json()["items"]) == sorted([latin["id"], mixed["id"]])
