"""The published contract tells the truth: named operations, the merchant key as a security
scheme, required headers marked required, RFC 9457 errors, OPTIONS answered with Allow, strict
booleans."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, str]
Login = Callable[..., Headers]


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in spec["paths"].values() for op in item.values()}


def test_every_operation_has_a_camel_case_id_and_a_real_summary(spec: dict[str, Any]) -> None:
    ops = [op for item in spec["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in ops]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids), ids
    named = _operations(spec)
    assert named["verifyCard"]["summary"] == "Verify a scanned card QR"
    assert named["createCharge"]["summary"] == "Charge the card whose QR was scanned"
    assert named["verifyAuditChain"]["summary"].startswith("Recompute the hash chain")
    # Never the function's name title-cased (FastAPI's default, "Verify" twice).
    summaries = [op["summary"] for op in ops]
    assert len(summaries) == len(set(summaries))


def test_merchant_keys_have_their_own_security_scheme(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["MerchantApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["MerchantApiKey"]["description"],
    }
    ops = _operations(spec)
    assert ops["verifyCard"]["security"] == [{"MerchantApiKey": []}]
    assert ops["createCharge"]["security"] == [{"MerchantApiKey": []}]
    # A refund is the merchant's or a supervisor's: both schemes open it.
    assert ops["refundCharge"]["security"] == [{"OAuth2PasswordBearer": []}, {"MerchantApiKey": []}]
    assert "security" not in ops["listUsers"] or ops["listUsers"]["security"] != [
        {"MerchantApiKey": []}
    ]


def test_headers_the_server_requires_or_sends_are_documented(spec: dict[str, Any]) -> None:
    ops = _operations(spec)
    for name in ("createCharge", "refundCharge", "loadCard", "startSession"):
        (key,) = [p for p in ops[name]["parameters"] if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header"
        assert key["required"] is True
        created = next(a for s, a in ops[name]["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in created["headers"]
    assert "Retry-After" in ops["verifyCard"]["responses"]["429"]["headers"]
    assert "WWW-Authenticate" in ops["verifyCard"]["responses"]["401"]["headers"]
    assert "400" in ops["registerApplicant"]["responses"]


def test_errors_are_problem_details_that_keep_the_error_member(client: TestClient) -> None:
    response = client.get("/v1/users")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["type"] == "urn:resident-id:problem:NotAuthenticated"
    assert body["title"] == "Not authenticated"
    assert body["status"] == 401
    assert body["error"] == "NotAuthenticated"
    assert isinstance(body["detail"], str)


def test_an_unparsable_body_is_a_documented_problem(client: TestClient, login: Login) -> None:
    response = client.post(
        "/v1/eligibility", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


def test_options_is_refused_with_every_allowed_method(client: TestClient, login: Login) -> None:
    response = client.options("/v1/users", headers=login("admin"))
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert client.options("/v1/applicants/some-id").headers["Allow"] == "GET, PATCH"


def test_active_must_be_a_boolean(client: TestClient, login: Login) -> None:
    admin = login("admin")
    created = client.post(
        "/v1/users",
        json={"username": "rosa", "password": "a-long-passphrase-1", "role": "clerk"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    for not_a_bool in (0, 1, "false", "yes"):
        refused = client.patch(f"/v1/users/{user_id}", json={"active": not_a_bool}, headers=admin)
        assert refused.status_code == 422, not_a_bool
        assert refused.json()["detail"][0]["loc"] == ["body", "active"]
    assert client.get("/v1/users", headers=admin).json()[-1]["active"] is True
