"""Bad input on every applicant and proof route: a clear 4xx in the one error shape, nothing
changed in the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.applicants import (
    applicant_body,
    dump_database,
    register,
)
from tests.support.http import Headers, Login

ADDRESS = applicant_body()["address"]


def _send(client: TestClient, method: str, url: str, body: Any, headers: Headers) -> Any:
    """JSON as a client sends it, escapes included (a lone surrogate arrives as \\ud800)."""
    return client.request(
        method,
        url,
        content=json.dumps(body),
        headers={**headers, "content-type": "application/json"},
    )


def _assert_error_shape(response: Any, status: int, error: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "detail"}
    assert isinstance(body["error"], str)
    assert body["detail"]
    if error is not None:
        assert body["error"] == error


# (method, path template, JSON body) for every route that takes a body; {id} is filled in.
BODY_ROUTES = [
    ("POST", "/v1/applicants"),
    ("PATCH", "/v1/applicants/{id}"),
    ("POST", "/v1/applicants/{id}/proofs"),
    ("POST", "/v1/applicants/{id}/approve"),
    ("POST", "/v1/applicants/{id}/deny"),
    ("POST", "/v1/eligibility"),
]

# Broken JSON is a 422 naming the position; bytes that are not even text, a 400.
MALFORMED = [
    (b'{"given_name": "Ana"', 422, "ValidationError"),
    (b"not json at all", 422, "ValidationError"),
    (b'{"given_name": "Ana",}', 422, "ValidationError"),
    (b"[1, 2", 422, "ValidationError"),
    (b"\xff\xfe\x00", 400, "HTTPError"),
]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize(("raw", "status", "error"), MALFORMED)
def test_malformed_json_is_refused(
    client: TestClient,
    login: Login,
    database_url: str,
    method: str,
    path: str,
    raw: bytes,
    status: int,
    error: str,
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    response = client.request(
        method,
        path.format(id=applicant_id),
        content=raw,
        headers={**headers, "content-type": "application/json"},
    )
    _assert_error_shape(response, status, error)
    assert dump_database(database_url) == before


WRONG_CREATE: dict[str, dict[str, Any]] = {
    "given_name as a number": {"given_name": 123},
    "family_name as a list": {"family_name": ["Nguyễn"]},
    "date_of_birth as a number": {"date_of_birth": 19900412},
    "date_of_birth as a timestamp": {"date_of_birth": 0},
    "date_of_birth with a time": {"date_of_birth": "1990-04-12T00:00:00"},
    "impossible date": {"date_of_birth": "2023-02-30"},
    "not a leap year": {"date_of_birth": "2023-02-29"},
    "month 13": {"date_of_birth": "1990-13-01"},
    "short date": {"date_of_birth": "1990-4-1"},
    "US date": {"date_of_birth": "04/12/1990"},
    "born in the future": {"date_of_birth": "2999-01-01"},
    "born before 1900": {"date_of_birth": "1850-01-01"},
    "address as text": {"address": "165 Church St"},
    "address without a city": {"address": {k: v for k, v in ADDRESS.items() if k != "city"}},
    "empty street": {"address": {**ADDRESS, "street": "   "}},
    "gender not F M X": {"gender": "female"},
    "address_on_card not a boolean": {"address_on_card": "maybe"},
    "languages as text": {"preferred_languages": "English"},
    "three languages": {"preferred_languages": ["Spanish", "English", "Portuguese"]},
    "email without @": {"email": "anh.example.org"},
    "phone with letters": {"phone": "call me"},
    "contact without phone": {"emergency_contact": {"name": "Bình"}},
    "given_name too long": {"given_name": "A" * 101},
    "family_name too long": {"family_name": "B" * 101},
    "street too long": {"address": {**ADDRESS, "street": "S" * 201}},
    "unit too long": {"address": {**ADDRESS, "unit": "U" * 51}},
    "city too long": {"address": {**ADDRESS, "city": "C" * 101}},
    "postal code too long": {"address": {**ADDRESS, "postal_code": "1" * 21}},
    "phone too long": {"phone": "1" * 41},
    "email too long": {"email": "a" * 250 + "@x.org"},
    "language too long": {"preferred_languages": ["L" * 41]},
    "contact name too long": {"emergency_contact": {"name": "N" * 201, "phone": "203"}},
    "NUL in a name": {"given_name": "Ana\x00"},
    "control character": {"family_name": "Ng\x1buyen"},
    "lone surrogate": {"given_name": "Ana\ud800"},
    # A blank or missing given name is a mononym (tests/applicants/test_mononyms.py); the
    # family name carries every name, so it cannot be blank or missing.
    "name of spaces": {"family_name": "   "},
    # Blank is a mononym, but not blank beyond any name's length (the schema's maxLength).
    "given name of 101 spaces": {"given_name": " " * 101},
    "a character no card font has": {"family_name": "Ankh 𓋹"},
    "missing name": {"family_name": None},
}


@pytest.mark.parametrize("case", sorted(WRONG_CREATE))
def test_wrong_registrations_are_refused(
    client: TestClient, login: Login, database_url: str, case: str
) -> None:
    headers = login("clerk")
    before = dump_database(database_url)
    body = {k: v for k, v in applicant_body(**WRONG_CREATE[case]).items() if v is not None}
    response = _send(client, "POST", "/v1/applicants", body, headers)
    _assert_error_shape(response, 422, "ValidationError")
    assert all("input" not in err for err in response.json()["detail"])
    assert dump_database(database_url) == before


@pytest.mark.parametrize(
    "case",
    sorted(k for k in WRONG_CREATE if k not in ("missing name", "contact without phone")),
)
def test_wrong_corrections_are_refused(
    client: TestClient, login: Login, database_url: str, case: str
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    response = _send(client, "PATCH", f"/v1/applicants/{applicant_id}", WRONG_CREATE[case], headers)
    _assert_error_shape(response, 422, "ValidationError")
    assert dump_database(database_url) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"document": 5}, "ValidationError"),
        ({"document": "us_passport", "document_date": True}, "ValidationError"),
        ({"document": "utility_bill", "document_date": "2023-02-30"}, "ValidationError"),
        ({"document": "utility_bill", "document_date": "yesterday"}, "ValidationError"),
        ({"document": "x" * 41}, "ValidationError"),
        ({"document": ""}, "ValidationError"),
        ({}, "ValidationError"),
        ({"document": "utility_bill", "document_date": "9999-12-31"}, "DocumentDateInFuture"),
        ({"document": "utility_bill", "document_date": "0001-01-01"}, "DocumentTooOld"),
    ],
)
def test_wrong_proof_checks_are_refused(
    client: TestClient, login: Login, database_url: str, body: dict[str, Any], error: str
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    response = client.post(f"/v1/applicants/{applicant_id}/proofs", json=body, headers=headers)
    _assert_error_shape(response, 422, error)
    assert dump_database(database_url) == before


@pytest.mark.parametrize(
    "params",
    [
        {"date_of_birth": "2023-02-30"},
        {"date_of_birth": "12/04/1990"},
        {"date_of_birth": "0"},
        {"name": "n" * 201},
    ],
)
def test_wrong_searches_are_refused(
    client: TestClient, login: Login, params: dict[str, str]
) -> None:
    response = client.get("/v1/applicants", params=params, headers=login("clerk"))
    _assert_error_shape(response, 422, "ValidationError")


UNKNOWN_ID_ROUTES = [
    ("GET", "/v1/applicants/{id}", None),
    ("PATCH", "/v1/applicants/{id}", {"phone": "203-555-0100"}),
    ("GET", "/v1/applicants/{id}/photo", None),
    ("POST", "/v1/applicants/{id}/proofs", {"document": "us_passport"}),
    ("GET", "/v1/applicants/{id}/proofs", None),
    ("DELETE", "/v1/applicants/{id}/proofs/00000000-0000-0000-0000-000000000000", None),
    ("POST", "/v1/applicants/{id}/approve", None),
    ("POST", "/v1/applicants/{id}/deny", {"reason": "not_a_resident"}),
]


@pytest.mark.parametrize(("method", "path", "body"), UNKNOWN_ID_ROUTES)
@pytest.mark.parametrize(
    "unknown", ["00000000-0000-0000-0000-000000000000", "nobody", "x" * 300, "1;DROP TABLE"]
)
def test_unknown_applicants_are_404(
    client: TestClient,
    login: Login,
    database_url: str,
    method: str,
    path: str,
    body: Any,
    unknown: str,
) -> None:
    headers = login("clerk")
    register(client, headers)
    before = dump_database(database_url)
    response = client.request(method, path.format(id=unknown), json=body, headers=headers)
    _assert_error_shape(response, 404, "ApplicantNotFound")
    assert dump_database(database_url) == before


ALL_ROUTES = [
    ("POST", "/v1/applicants", applicant_body()),
    ("GET", "/v1/applicants?name=nguyen", None),
    ("GET", "/v1/applicants/{id}", None),
    ("PATCH", "/v1/applicants/{id}", {"phone": "203-555-0100"}),
    ("PUT", "/v1/applicants/{id}/photo", None),
    ("GET", "/v1/applicants/{id}/photo", None),
    ("POST", "/v1/applicants/{id}/proofs", {"document": "us_passport"}),
    ("GET", "/v1/applicants/{id}/proofs", None),
    ("DELETE", "/v1/applicants/{id}/proofs/some-check", None),
    ("POST", "/v1/applicants/{id}/approve", None),
    ("POST", "/v1/applicants/{id}/deny", {"reason": "not_a_resident"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
@pytest.mark.parametrize("token", ["none", "expired", "garbage"])
def test_no_valid_token_is_a_401(
    client: TestClient,
    login: Login,
    database_url: str,
    method: str,
    path: str,
    body: Any,
    token: str,
) -> None:
    import jwt

    from app.auth.service import ALGORITHM, token_secret

    applicant_id = register(client, login("clerk"))["id"]
    headers = {
        "none": {},
        "expired": {
            "Authorization": "Bearer "
            + jwt.encode(
                {"sub": "someone", "role": "clerk", "exp": 1_000_000},
                token_secret(),
                algorithm=ALGORITHM,
            )
        },
        "garbage": {"Authorization": "Bearer not-a-token"},
    }[token]
    before = dump_database(database_url)
    response = client.request(method, path.format(id=applicant_id), json=body, headers=headers)
    _assert_error_shape(response, 401, "NotAuthenticated")
    assert dump_database(database_url) == before


def test_a_document_date_far_in_the_past_is_not_a_crash(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    response = client.post(
        f"/v1/applicants/{applicant_id}/proofs",
        json={"document": "us_passport", "document_date": "0001-01-01"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
