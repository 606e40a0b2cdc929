"""The public pre-check answers in the resident's language, as Accept-Language asks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _check(client: TestClient, documents: list[str], language: str | None) -> Any:
    headers = {"Accept-Language": language} if language is not None else {}
    return client.post("/v1/eligibility", json={"documents": documents}, headers=headers)


def _catalog_names(client: TestClient) -> dict[str, tuple[str, str]]:
    return {d["code"]: (d["name_en"], d["name_es"]) for d in client.get("/v1/documents").json()}


def test_a_spanish_browser_gets_the_answer_in_spanish(client: TestClient) -> None:
    response = _check(client, ["consular_id", "birth_certificate"], "es-MX,es;q=0.9,en;q=0.8")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Language"] == "es"
    body = response.json()
    assert body["language"] == "es"
    assert [m["requirement"] for m in body["missing"]] == ["residency_proof"]
    assert body["missing"][0]["detail"].startswith("un comprobante de domicilio")
    assert body["reminders"][0] == "traiga los originales; no se aceptan copias"
    names = _catalog_names(client)
    assert body["documents"] == [
        {"code": code, "name": names[code][1]} for code in ("consular_id", "birth_certificate")
    ]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("en;q=0.5, es;q=0.9", "es"),
        ("es;q=0, en;q=0.1", "en"),
        ("es;q=abc, en", "en"),
        ("*", "en"),
        ("ES", "es"),
        (";;;,,,=q", "en"),
        ("x" * 5000, "en"),
    ],
)
def test_the_language_follows_the_quality_values_english_otherwise(
    client: TestClient, header: str | None, language: str
) -> None:
    response = _check(client, ["us_passport"], header)
    assert response.status_code == 200, response.text
    assert response.json()["language"] == language
    assert response.headers["Content-Language"] == language


def test_every_sentence_of_the_answer_exists_in_both_languages(client: TestClient) -> None:
    english, spanish = (_check(client, [], lang).json() for lang in ("en", "es"))
    assert [m["requirement"] for m in english["missing"]] == [
        m["requirement"] for m in spanish["missing"]
    ]
    assert len(english["missing"]) == 4
    for en, es in zip(english["missing"], spanish["missing"], strict=True):
        assert en["detail"] != es["detail"], en["requirement"]
    assert len(english["reminders"]) == len(spanish["reminders"]) == 2
    assert set(english["reminders"]).isdisjoint(spanish["reminders"])
    assert english["missing"][0]["detail"] == "0 of the 3 identity points needed"
    assert spanish["missing"][0]["detail"] == "0 de los 3 puntos de identidad necesarios"


def test_an_unknown_document_is_refused_in_the_language(client: TestClient) -> None:
    response = _check(client, ["us_passport", "no_such_paper"], "es")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "documents[1]: no está en el catálogo de documentos (vea GET /v1/documents)"
    )
