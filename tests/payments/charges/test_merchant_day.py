"""The merchant desk's API: refunds found by receipt number, and the day's charges with totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.kit.dates import city_day
from app.kit.types import utcnow
from tests.support.builders import make_merchant
from tests.support.http import Headers, Login
from tests.support.ledger_http import Holder, MerchantKey, balance, charge, refund


def _charged(client: TestClient, merchant: MerchantKey, holder: Holder, cents: int) -> Any:
    response = charge(client, merchant.headers, holder.qr, cents, reference=f"FINE-{cents}")
    assert response.status_code == 201, response.text
    return response.json()


def test_a_refund_finds_the_charge_by_the_receipt_number_as_read_aloud(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(2000)
    receipt = _charged(client, library, holder, 1200)
    spoken = " ".join(receipt["receipt_number"].lower()[i : i + 4] for i in range(0, 12, 4))
    by_receipt = refund(client, library.headers, spoken, 200)
    assert by_receipt.status_code == 201, by_receipt.text
    assert by_receipt.json()["charge_id"] == receipt["id"]
    assert by_receipt.json()["receipt_number"] == receipt["receipt_number"]
    by_id = refund(client, library.headers, receipt["id"], 300)
    assert by_id.status_code == 201, by_id.text
    assert by_id.json()["refundable_cents"] == 700
    assert balance(client, clerk, holder.number) == 2000 - 1200 + 500


def test_a_receipt_is_refunded_only_by_its_merchant_and_an_unknown_one_is_a_404(
    client: TestClient, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    receipt = _charged(client, library, loaded(2000), 500)
    other = MerchantKey.of(*make_merchant(name="Elm City Pharmacy", category="pharmacy"))
    theirs = refund(client, other.headers, receipt["receipt_number"], 100)
    assert theirs.status_code == 403
    assert theirs.json()["error"] == "NotYourCharge"
    unknown = refund(client, library.headers, "R23456789ABC", 100)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "ChargeNotFound"


def test_the_days_charges_with_totals_page_by_page(
    client: TestClient,
    library: MerchantKey,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(5000)
    firsts = [_charged(client, library, holder, cents) for cents in (700, 300, 200)]
    other = MerchantKey.of(*make_merchant(name="Downtown Parking", category="parking"))
    _charged(client, other, holder, 900)
    assert refund(client, library.headers, firsts[0]["id"], 100).status_code == 201

    whole = client.get("/v1/charges", headers=library.headers)
    assert whole.status_code == 200, whole.text
    day = whole.json()
    assert day["date"] == city_day(utcnow()).isoformat()
    assert [c["receipt_number"] for c in day["items"]] == [c["receipt_number"] for c in firsts]
    assert [c["refunded_cents"] for c in day["items"]] == [100, 0, 0]
    assert day["items"][1]["reference"] == "FINE-300"
    totals = (
        day["charges_count"],
        day["charged_cents"],
        day["refunds_count"],
        day["refunded_cents"],
        day["net_cents"],
    )
    assert totals == (3, 1200, 1, 100, 1100)
    assert day["next_cursor"] is None

    first = client.get("/v1/charges", params={"limit": 2}, headers=library.headers).json()
    assert [c["id"] for c in first["items"]] == [c["id"] for c in firsts[:2]]
    assert first["charged_cents"] == 1200
    second = client.get(
        "/v1/charges", params={"limit": 2, "cursor": first["next_cursor"]}, headers=library.headers
    ).json()
    assert [c["id"] for c in second["items"]] == [firsts[2]["id"]]
    assert second["next_cursor"] is None

    theirs = client.get("/v1/charges", headers=other.headers).json()
    assert [c["amount_cents"] for c in theirs["items"]] == [900]
    yesterday = (city_day(utcnow()) - timedelta(days=1)).isoformat()
    empty = client.get("/v1/charges", params={"day": yesterday}, headers=library.headers).json()
    assert (empty["items"], empty["charges_count"], empty["net_cents"]) == ([], 0, 0)


@pytest.mark.parametrize(
    "params",
    [{"day": "2026-13-01"}, {"day": "12/04/2026"}, {"limit": 0}, {"limit": 1001}],
)
def test_bad_queries_are_a_422(
    client: TestClient, library: MerchantKey, params: dict[str, Any]
) -> None:
    response = client.get("/v1/charges", params=params, headers=library.headers)
    assert response.status_code == 422


def test_only_merchants_list_their_charges(client: TestClient, login: Login) -> None:
    assert client.get("/v1/charges").status_code == 401
    assert client.get("/v1/charges", headers=login("supervisor")).status_code == 403
