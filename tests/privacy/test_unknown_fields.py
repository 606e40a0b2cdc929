"""A body with a field the API did not design for is refused with a 422 naming the field, and
nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.applicants import applicant_body, dump_database, register
from tests.support.http import Login

ADDRESS = applicant_body()["address"]

# (method, path, body, where the unknown field is)
CASES: list[tuple[str, str, dict[str, Any], list[str]]] = [
    ("POST", "/v1/applicants", applicant_body(nationality="x"), ["body", "nationality"]),
    (
        "POST",
        "/v1/applicants",
        applicant_body(address={**ADDRESS, "country_of_birth": "x"}),
        ["body", "address", "country_of_birth"],
    ),
    (
        "POST",
        "/v1/applicants",
        applicant_body(emergency_contact={"name": "B", "phone": "203", "relation": "x"}),
        ["body", "emergency_contact", "relation"],
    ),
    ("PATCH", "/v1/applicants/{id}", {"visa_type": "x"}, ["body", "visa_type"]),
    (
        "PATCH",
        "/v1/applicants/{id}",
        {"address": {**ADDRESS, "ssn": "x"}},
        ["body", "address", "ssn"],
    ),
    (
        "POST",
        "/v1/applicants/{id}/proofs",
        {"document": "us_passport", "issuer": "x"},
        ["body", "issuer"],
    ),
    ("POST", "/v1/applicants/{id}/approve", {"fee": 0}, ["body", "fee"]),
    (
        "POST",
        "/v1/applicants/{id}/deny",
        {"reason": "not_a_resident", "comment": "x"},
        ["body", "comment"],
    ),
    ("POST", "/v1/eligibility", {"documents": [], "citizenship": "x"}, ["body", "citizenship"]),
]


@pytest.mark.parametrize(("method", "path", "body", "loc"), CASES)
def test_an_unknown_field_is_named_and_nothing_is_stored(
    client: TestClient,
    login: Login,
    database_url: str,
    method: str,
    path: str,
    body: dict[str, Any],
    loc: list[str],
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    response = client.request(method, path.format(id=applicant_id), json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ValidationError"
    assert [
        (e["loc"], e["type"]) for e in response.json()["detail"] if e["type"] == "extra_forbidden"
    ] == [(loc, "extra_forbidden")]
    assert dump_database(database_url) == before
