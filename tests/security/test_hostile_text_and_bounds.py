"""Hostile text and out-of-range numbers get a 422 naming the field, never a 500: NUL and other
control characters anywhere, invisible formatting characters in names, dates past 9999 and
integers past a BIGINT, and the free-text fields have a bounded format."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.support.builders import make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import MerchantKey, charge, new_key

# Bidi override, zero-width space and joiner, a tag character, the byte-order mark.
INVISIBLE = ["\u202e", "\u200b", "\u200d", "\U000e0041", "\ufeff"]


def _named(response: httpx2.Response, *loc: str | int) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "ValidationError"
    assert [list(loc)] == [d["loc"][: len(loc)] for d in body["detail"]][:1], body
    # The offending value is never echoed back.
    assert "\x00" not in response.text


@pytest.fixture
def library() -> MerchantKey:
    return MerchantKey.of(*make_merchant(name="Ives Memorial Library", category="library"))


def test_nul_in_the_public_status_list_path_is_422(client: TestClient) -> None:
    _named(client.get("/v1/status-lists/%00"), "path", "list_id")


def test_nul_in_a_sign_in_form_field_is_422(client: TestClient) -> None:
    response = client.post("/v1/auth/token", data={"username": "ad\x00min", "password": "x"})
    _named(response, "body", "username")


def test_nul_in_a_charge_reference_is_422(client: TestClient, library: MerchantKey) -> None:
    response = charge(client, library.headers, "some qr", 100, reference="FINE\x00-1")
    _named(response, "body", "reference")


def test_nul_in_the_refund_path_is_422(client: TestClient, login: Callable[..., Headers]) -> None:
    headers = {**login("supervisor"), "Idempotency-Key": new_key()}
    response = client.post("/v1/charges/%00/refunds", json={"amount_cents": 1}, headers=headers)
    _named(response, "path", "charge_id")


@pytest.mark.parametrize("name", ["subject", "actor", "action"])
def test_nul_in_an_audit_filter_is_422(
    client: TestClient, login: Callable[..., Headers], name: str
) -> None:
    _named(client.get(f"/v1/audit?{name}=a%00b", headers=login("auditor")), "query", name)


@pytest.mark.parametrize(
    "bad", ["Ives\x00Library", "Ives\x1bLibrary", "Ives\x85Library", *INVISIBLE]
)
def test_merchant_and_zone_names_refuse_control_and_invisible_characters(
    client: TestClient, login: Callable[..., Headers], bad: str
) -> None:
    admin = login("admin")
    name = bad if bad not in INVISIBLE else f"Ives{bad}Library"
    merchant = client.post(
        "/v1/merchants", json={"name": name, "category": "library"}, headers=admin
    )
    _named(merchant, "body", "name")
    zone = {"name": name, "rate_cents_per_hour": 100, "max_minutes": 60}
    _named(client.put("/v1/parking/zones/east", json=zone, headers=admin), "body", "name")


@pytest.mark.parametrize("bad", INVISIBLE)
def test_applicant_names_refuse_invisible_characters(
    client: TestClient, login: Callable[..., Headers], bad: str
) -> None:
    body = {
        "given_name": f"Ana{bad}",
        "family_name": "Lopez",
        "date_of_birth": "1990-01-01",
        "address": {"street": "1 Elm St", "city": "New Haven", "postal_code": "06510"},
    }
    _named(client.post("/v1/applicants", json=body, headers=login("clerk")), "body", "given_name")


def test_every_path_parameter_of_every_route_refuses_nul(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    seen = 0
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        if "{" not in template:
            continue
        path = re.sub(r"\{[^}]+\}", "%00", template)
        for method in operations:
            response = client.request(method.upper(), path, headers=admin, json={})
            assert response.status_code == 422, (method, template, response.text)
            seen += 1
    # Every domain's routes, the stored-value ones included.
    assert seen > 30


@pytest.mark.parametrize(
    "url",
    [
        "/v1/settlements/mine?date=9999-12-31",
        "/v1/settlements/mine?date=0001-01-01",
    ],
)
def test_a_merchants_settlement_date_is_bounded(
    client: TestClient, library: MerchantKey, url: str
) -> None:
    _named(client.get(url, headers=library.headers), "query", "date")


@pytest.mark.parametrize(
    ("role", "url", "field"),
    [
        ("auditor", "/v1/branches/city-hall/drawer?date=9999-12-31", "date"),
        ("auditor", "/v1/merchants/x/settlements?date=9999-12-31", "date"),
        ("auditor", "/v1/audit?after=9223372036854775808", "after"),
        ("auditor", "/v1/verification-counts?since=0001-01-01", "since"),
        ("auditor", "/v1/parking/offline-report?until=9999-12-31", "until"),
        ("clerk", "/v1/cards/4111111111111111/transactions?before=9223372036854775808", "before"),
        ("clerk", "/v1/applicants?date_of_birth=9999-12-31", "date_of_birth"),
    ],
)
def test_dates_and_integers_are_bounded(
    client: TestClient, login: Callable[..., Headers], role: str, url: str, field: str
) -> None:
    _named(client.get(url, headers=login(role)), "query", field)


def test_the_largest_audit_position_is_still_an_answer(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    response = client.get("/v1/audit?after=9223372036854775807", headers=login("auditor"))
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "reference", ["FINE 42\nnext line", "x" * 65, "<script>", "  ", "naïve-ref", "-lead"]
)
def test_a_charge_reference_has_a_bounded_format(
    client: TestClient, library: MerchantKey, reference: str
) -> None:
    response = charge(client, library.headers, "some qr", 100, reference=reference)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("key", ["a key with spaces", "k" * 256, "{json:1}", "key/with/slashes"])
def test_an_idempotency_key_is_an_opaque_token(
    client: TestClient, library: MerchantKey, key: str
) -> None:
    body: dict[str, Any] = {"qr": "x", "amount_cents": 1, "purpose": "other", "reference": "A-1"}
    headers = {**library.headers, "Idempotency-Key": key}
    response = client.post("/v1/charges", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "IdempotencyKeyRequired"


def test_a_meter_request_id_has_a_bounded_format(client: TestClient) -> None:
    operator = MerchantKey.of(*make_merchant(name="Lots", category="parking"))
    item = {
        "request_id": "meter 7 / note: the holder was rude",
        "qr": "x",
        "zone": "downtown",
        "minutes": 10,
        "occurred_at": "2026-01-01T00:00:00+00:00",
    }
    response = client.post(
        "/v1/parking/offline-charges",
        json={"charges": [item]},
        headers={**operator.headers, "Idempotency-Key": new_key()},
    )
    _named(response, "body", "charges", 0, "request_id")
