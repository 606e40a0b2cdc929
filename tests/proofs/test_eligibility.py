"""The public pre-check: would these documents be enough, and what is missing?"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import settings
from tests.support.applicants import dump_database


def _check(client: TestClient, documents: Any) -> Any:
    return client.post("/v1/eligibility", json={"documents": documents})


@pytest.mark.parametrize(
    ("documents", "missing"),
    [
        (["foreign_passport", "utility_bill"], []),
        (["consular_id", "shelter_letter"], []),
        (["birth_certificate", "employer_photo_id", "agency_affidavit"], []),
        (["us_passport"], ["residency_proof"]),
        (["utility_bill"], ["identity_points", "photo_document", "date_of_birth_document"]),
        (["birth_certificate", "bank_statement"], ["identity_points", "photo_document"]),
        (
            [],
            ["identity_points", "photo_document", "date_of_birth_document", "residency_proof"],
        ),
    ],
)
def test_the_precheck_names_what_is_missing(
    client: TestClient, documents: list[str], missing: list[str]
) -> None:
    response = _check(client, documents)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["eligible"] is (missing == [])
    assert [m["requirement"] for m in body["missing"]] == missing
    assert all(m["detail"] for m in body["missing"])
    assert body["identity_points_needed"] == settings.min_identity_points


def test_a_document_named_twice_counts_once(client: TestClient) -> None:
    body = _check(client, ["birth_certificate", "birth_certificate", "utility_bill"]).json()
    assert body["identity_points"] == 2
    assert body["eligible"] is False


def test_the_precheck_follows_the_settings(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "min_identity_points", 2)
    monkeypatch.setattr(settings, "require_photo_document", False)
    monkeypatch.setattr(settings, "require_residency_proof", False)
    assert _check(client, ["birth_certificate"]).json()["eligible"] is True


def test_the_precheck_is_public_and_stores_nothing(client: TestClient, database_url: str) -> None:
    before = dump_database(database_url)
    assert _check(client, ["foreign_passport", "utility_bill"]).status_code == 200
    assert dump_database(database_url) == before


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"documents": ["library_card"]}, "documents[0]"),
        ({"documents": ["us_passport", "gym_card", "x_card"]}, "documents[1], documents[2]"),
    ],
)
def test_unknown_codes_are_named_by_position(
    client: TestClient, body: dict[str, Any], where: str
) -> None:
    response = client.post("/v1/eligibility", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "UnknownDocument"
    assert response.json()["detail"].startswith(where)
    assert "card" not in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"documents": "us_passport"},
        {"documents": [1, 2]},
        {"documents": ["US PASSPORT"]},
        {"documents": ["a" * 41]},
        {"documents": ["us_passport"] * 31},
        {"documents": ["us_passport"], "nationality": "x"},
        [],
    ],
)
def test_malformed_prechecks_are_refused(client: TestClient, body: Any) -> None:
    response = client.post("/v1/eligibility", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


def test_broken_json_is_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/eligibility",
        content=b'{"documents": ["us_passport"',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"
