"""The published contract tells the truth: named operations, the merchant key as a security
scheme, required headers marked required, RFC 9457 errors, OPTIONS answered with Allow, strict
booleans."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from tests.support.applicants import applicant_body
from tests.support.builders import make_merchant
from tests.support.http import Headers, Login


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
    assert client.get("/v1/users", headers=admin).json()["items"][-1]["active"] is True


def _strings(node: Any) -> list[dict[str, Any]]:
    """Every string schema in a fragment (through anyOf, items and properties)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "string":
            found.append(node)
        for value in node.values():
            found += _strings(value)
    elif isinstance(node, list):
        for value in node:
            found += _strings(value)
    return found


def test_every_path_and_query_string_says_it_refuses_control_characters(
    client: TestClient, spec: dict[str, Any], login: Login
) -> None:
    for op in _operations(spec).values():
        for param in op.get("parameters", []):
            if param["in"] in ("path", "query"):
                for string in _strings(param["schema"]):
                    if "enum" not in string and "format" not in string:
                        assert "pattern" in string, (op["operationId"], param["name"])
    number = _operations(spec)["getCard"]["parameters"][0]["schema"]
    assert re.fullmatch(number["pattern"], "1234 5678")
    assert not re.search(number["pattern"], "12\x0234")
    # And the server does refuse what the pattern excludes.
    refused = client.get("/v1/cards/12%0234", headers=login("admin"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["path", "number"]


def test_body_strings_publish_their_rules(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    merchant_name = schemas["MerchantCreate"]["properties"]["name"]
    assert re.fullmatch(merchant_name["pattern"], "Parking Plaza")
    # A name refuses the invisible characters too (a right-to-left override here).
    assert not re.fullmatch(merchant_name["pattern"], "Parking\u202ePlaza")
    reason = schemas["PrintFailure"]["properties"]["reason"]
    assert not re.fullmatch(reason["pattern"], "jam\x1b[0m")
    assert schemas["BatchRequest"]["properties"]["job_ids"]["uniqueItems"] is True
    # A library fee id goes with purpose library_fine, as the server's rule says.
    assert schemas["ChargeCreate"]["then"] == {"properties": {"purpose": {"const": "library_fine"}}}


def test_every_error_is_documented_as_a_problem(spec: dict[str, Any]) -> None:
    for op in _operations(spec).values():
        for status, answer in op["responses"].items():
            if op["operationId"] == "readiness" and status == "503":
                continue  # not an error: the readiness report, with what is not ready
            if status[0] in "45":
                assert answer["content"] == {
                    "application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/ProblemDetails"}
                    }
                }, (op["operationId"], status)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_the_idempotency_key_states_its_alphabet(
    client: TestClient, spec: dict[str, Any], library_key: Headers
) -> None:
    (key,) = [
        p for p in _operations(spec)["createCharge"]["parameters"] if p["name"] == "Idempotency-Key"
    ]
    assert key["schema"]["pattern"] == "^[A-Za-z0-9_.:-]+$"
    refused = client.post(
        "/v1/charges",
        json={"qr": "x", "amount_cents": 100, "purpose": "other", "reference": "r"},
        headers={**library_key, "Idempotency-Key": "two words"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "IdempotencyKeyRequired"


@pytest.fixture
def library_key() -> Headers:
    return make_merchant(name="Ives Memorial Library", category="library")[1]


@pytest.mark.parametrize("day", ["0", "1899-12-31", "2200-01-01", "2026-02-30"])
def test_days_outside_the_calendar_bounds_are_refused_as_the_schema_says(
    client: TestClient, spec: dict[str, Any], login: Login, library_key: Headers, day: str
) -> None:
    ops = _operations(spec)
    for name, param in (("reconciliationReport", "date"), ("myCharges", "day")):
        (schema,) = [s for p in ops[name]["parameters"] if p["name"] == param for s in _strings(p)]
        assert schema["format"] == "date"
        assert not re.fullmatch(schema["pattern"], day)
        assert re.fullmatch(schema["pattern"], "2024-02-29")
    auditor = login("auditor")
    assert client.get(f"/v1/library/reconciliation?date={day}", headers=auditor).status_code == 422
    assert client.get(f"/v1/charges?day={day}", headers=library_key).status_code == 422
    assert (
        client.get("/v1/library/reconciliation?date=2024-02-29", headers=auditor).status_code == 200
    )


def test_every_json_body_shows_a_valid_request_example(
    client: TestClient, spec: dict[str, Any]
) -> None:
    ops = _operations(spec)
    bodies = [
        name
        for name, op in ops.items()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(bodies) >= 29
    for name in bodies:
        media = ops[name]["requestBody"]["content"]["application/json"]
        assert "example" in media, name
        root = {**media["schema"], "components": spec["components"]}
        errors = [
            e.message for e in jsonschema_rs.validator_for(root).iter_errors(media["example"])
        ]
        assert errors == [], (name, errors)
    # The sample QR reads as a card signed by a key no deployment holds.
    sample = ops["verifyCard"]["requestBody"]["content"]["application/json"]["example"]
    merchant = make_merchant(name="Main Street Parking", category="parking")[1]
    answer = client.post("/v1/verify", json=sample, headers=merchant)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["reason"]) == ("invalid", "unknown_key")


def test_links_name_real_operations_and_every_path_parameter(spec: dict[str, Any]) -> None:
    ops = _operations(spec)
    paths = {
        op["operationId"]: path for path, item in spec["paths"].items() for op in item.values()
    }
    followed = 0
    for op in ops.values():
        for answer in op["responses"].values():
            for link in answer.get("links", {}).values():
                consumer = link["operationId"]
                assert consumer in ops
                needed = set(re.findall(r"{(\w+)}", paths[consumer]))
                assert needed <= set(link["parameters"]), (consumer, needed)
                followed += 1
    assert followed >= 30


def test_a_link_followed_from_a_real_answer_reaches_the_resource(
    client: TestClient, spec: dict[str, Any], login: Login
) -> None:
    clerk = login("clerk")
    made = client.post("/v1/applicants", json=applicant_body(), headers=clerk)
    assert made.status_code == 201, made.text
    links = _operations(spec)["registerApplicant"]["responses"]["201"]["links"]
    pointer = links["readApplicant"]["parameters"]["applicant_id"]
    assert pointer == "$response.body#/id"
    applicant_id = made.json()[pointer.rsplit("/", 1)[1]]
    read = client.get(f"/v1/applicants/{applicant_id}", headers=clerk)
    assert read.status_code == 200
    assert read.json()["family_name"] == made.json()["family_name"]
