"""Errors as clients see them: RFC 9457 problems (application/problem+json) that keep the `error`
member and the extra members older clients read, with their headers, and as the spec documents
them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import settings
from app.kit.errors import PROBLEM_JSON, NotFound, ValidationError, responses
from app.merchants.errors import MerchantNotFound
from tests.support.builders import TEST_PASSWORD, make_user
from tests.support.http import Headers

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "error"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert PROBLEM_MEMBERS <= body.keys()
    assert body["status"] == status
    return body


def test_a_domain_error_is_a_problem_named_by_its_class(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    body = _problem(client.get("/v1/merchants/no-such-merchant", headers=login("admin")), 404)
    assert body == {
        "type": "urn:resident-id:problem:MerchantNotFound",
        "title": "Merchant not found",
        "status": 404,
        "error": "MerchantNotFound",
        "detail": "no merchant has this id",
    }


def test_a_finer_error_keeps_the_error_name_clients_read(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    body = _problem(
        client.patch("/v1/users/no-such-user", json={"active": False}, headers=login("admin")),
        404,
    )
    assert body["error"] == "NotFound"
    assert body["type"] == "urn:resident-id:problem:UserNotFound"
    assert body["title"] == "User not found"
    assert body["detail"] == "no such user"


def test_a_401_carries_www_authenticate(client: TestClient) -> None:
    make_user("clerk", username="rosa")
    response = client.post("/v1/auth/token", data={"username": "rosa", "password": "not it"})
    body = _problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert body["error"] == "NotAuthenticated"
    assert body["type"] == "urn:resident-id:problem:NotAuthenticated"


def test_a_429_carries_retry_after_and_its_extra_member(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "sign_in_backoff_seconds", 600)
    make_user("clerk", username="luis")
    for _ in range(5):
        client.post("/v1/auth/token", data={"username": "luis", "password": "wrong-password"})
    response = client.post("/v1/auth/token", data={"username": "luis", "password": TEST_PASSWORD})
    body = _problem(response, 429)
    wait = int(response.headers["Retry-After"])
    assert wait > 0
    assert body["error"] == "SignInThrottled"
    assert body["type"] == "urn:resident-id:problem:SignInThrottled"
    assert body["title"] == "Sign in throttled"
    assert body["retry_after"] == wait


def test_a_request_that_does_not_match_the_schema_is_a_problem_naming_the_field(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    body = _problem(
        client.post(
            "/v1/merchants",
            json={"name": "Parking Plaza", "category": "parking", "colour": "blue"},
            headers=login("admin"),
        ),
        422,
    )
    assert body["error"] == "ValidationError"
    assert body["type"] == "urn:resident-id:problem:ValidationError"
    assert [item["loc"] for item in body["detail"]] == [["body", "colour"]]


def test_an_unknown_path_and_a_refused_method_are_problems(client: TestClient) -> None:
    assert _problem(client.get("/v1/no-such-thing"), 404)["error"] == "HTTPError"
    refused = client.delete("/v1/users")
    assert _problem(refused, 405)["type"] == "urn:resident-id:problem:HTTPError"
    assert refused.headers["Allow"] == "GET, POST"


def test_a_body_over_the_limit_is_refused_as_a_problem(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    big = {"name": "x" * (settings.body_max_bytes + 1), "category": "library"}
    body = _problem(client.post("/v1/merchants", json=big, headers=login("admin")), 413)
    assert body["error"] == "RequestTooLarge"
    assert body["type"] == "urn:resident-id:problem:RequestTooLarge"


def test_the_spec_names_each_routes_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    problem = spec["components"]["schemas"]["ProblemDetails"]
    assert PROBLEM_MEMBERS <= set(problem["required"])
    answers = spec["paths"]["/v1/merchants/{merchant_id}"]["get"]["responses"]
    assert answers["404"]["content"] == {
        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
    }
    assert "urn:resident-id:problem:MerchantNotFound" in answers["404"]["description"]
    assert "WWW-Authenticate" in answers["401"]["headers"]
    throttled = spec["paths"]["/v1/auth/token"]["post"]["responses"]["429"]
    assert "urn:resident-id:problem:SignInThrottled" in throttled["description"]
    assert "Retry-After" in throttled["headers"]


def test_responses_groups_errors_by_status() -> None:
    class ThingNotFound(NotFound):
        pass

    documented = responses(MerchantNotFound, ThingNotFound, ValidationError, 402)
    assert sorted(documented) == [402, 404, 422]
    assert documented[404]["description"] == (
        "Merchant not found (`MerchantNotFound`, urn:resident-id:problem:MerchantNotFound); "
        "Thing not found (`ThingNotFound`, urn:resident-id:problem:ThingNotFound)"
    )
    assert documented[402]["description"] == "Payment Required"
    assert set(documented[422]["content"]) == {PROBLEM_JSON}
