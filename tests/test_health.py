from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_documents_the_error_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "ProblemDetails" in spec["components"]["schemas"]
    token_route = spec["paths"]["/v1/auth/token"]["post"]
    assert "401" in token_route["responses"]


def test_the_database_liveness_answers_through_the_hot_paths_pool(client: TestClient) -> None:
    response = client.get("/healthz/database")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
