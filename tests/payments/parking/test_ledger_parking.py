"""Parking: zone rates, sessions started with the card's QR and extended, and offline meters'
uploads that are idempotent and book what the balance cannot cover to a shortfall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.support.builders import make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    balance,
    load,
    new_key,
    with_key,
)

ZONE = {"name": "Downtown core", "rate_cents_per_hour": 250, "max_minutes": 120}


@pytest.fixture
def admin(login: Callable[..., Headers]) -> Headers:
    return login("admin")


@pytest.fixture
def downtown(client: TestClient, admin: Headers) -> str:
    response = client.put("/v1/parking/zones/downtown", json=ZONE, headers=admin)
    assert response.status_code == 201, response.text
    return "downtown"


def start(
    client: TestClient, operator: MerchantKey, qr: str, minutes: int, zone: str = "downtown"
) -> httpx2.Response:
    return client.post(
        "/v1/parking/sessions",
        json={"qr": qr, "zone": zone, "minutes": minutes},
        headers=with_key(operator.headers),
    )


def extend(
    client: TestClient, operator: MerchantKey, session_id: str, minutes: int
) -> httpx2.Response:
    return client.post(
        f"/v1/parking/sessions/{session_id}/extend",
        json={"minutes": minutes},
        headers=with_key(operator.headers),
    )


def upload(
    client: TestClient, operator: MerchantKey, items: list[dict[str, Any]], key: str | None = None
) -> httpx2.Response:
    return client.post(
        "/v1/parking/offline-charges",
        json={"charges": items},
        headers=with_key(operator.headers, key),
    )


def offline_item(
    qr: str, request_id: str, minutes: int = 60, hours_ago: float = 2
) -> dict[str, Any]:
    occurred = datetime.now(UTC) - timedelta(hours=hours_ago)
    return {
        "request_id": request_id,
        "qr": qr,
        "zone": "downtown",
        "minutes": minutes,
        "occurred_at": occurred.isoformat(),
    }


def test_admins_set_zone_rates(
    client: TestClient, admin: Headers, login: Callable[..., Headers]
) -> None:
    created = client.put("/v1/parking/zones/east-rock", json=ZONE, headers=admin)
    assert created.status_code == 201
    changed = client.put(
        "/v1/parking/zones/east-rock", json={**ZONE, "rate_cents_per_hour": 300}, headers=admin
    )
    assert changed.status_code == 200
    assert changed.json()["rate_cents_per_hour"] == 300
    assert (
        client.put("/v1/parking/zones/x", json=ZONE, headers=login("supervisor")).status_code == 403
    )
    zones = client.get("/v1/parking/zones", headers=admin).json()["items"]
    assert [(z["code"], z["rate_cents_per_hour"]) for z in zones] == [("east-rock", 300)]


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("bad code!", ZONE),
        ("ok", {**ZONE, "rate_cents_per_hour": 0}),
        ("ok", {**ZONE, "rate_cents_per_hour": 2.5}),
        ("ok", {**ZONE, "max_minutes": 0}),
        ("ok", {**ZONE, "max_minutes": 10_000}),
        ("ok", {**ZONE, "plate_required": True}),
    ],
)
def test_bad_zones_are_422(
    client: TestClient, admin: Headers, code: str, body: dict[str, Any]
) -> None:
    assert client.put(f"/v1/parking/zones/{code}", json=body, headers=admin).status_code == 422


def test_a_session_is_charged_at_the_zone_rate_and_extended(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    started = start(client, parking_operator, holder.qr, 30)
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["zone"] == "downtown"
    assert session["minutes"] == 30
    assert session["charged_cents"] == 125
    assert session["charge"]["amount_cents"] == 125
    assert session["charge"]["purpose"] == "parking"
    assert session["charge"]["balance_cents"] == 875
    assert "plate" not in str(session).lower()
    longer = extend(client, parking_operator, session["id"], 45)
    assert longer.status_code == 201, longer.text
    # 75 minutes at 250/h is 312.5: rounded up once for the whole stay, not once per part.
    assert longer.json()["charged_cents"] == 313
    assert longer.json()["charge"]["amount_cents"] == 188
    assert longer.json()["minutes"] == 75
    assert balance(client, clerk, holder.number) == 1000 - 313
    fetched = client.get(f"/v1/parking/sessions/{session['id']}", headers=parking_operator.headers)
    assert fetched.json()["minutes"] == 75


def test_a_stay_longer_than_the_zone_allows_is_refused(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    assert start(client, parking_operator, holder.qr, 121).status_code == 422
    session = start(client, parking_operator, holder.qr, 100).json()
    too_long = extend(client, parking_operator, session["id"], 21)
    assert too_long.status_code == 422
    assert too_long.json()["error"] == "StayTooLong"
    assert balance(client, clerk, holder.number) == 1000 - 417


def test_unknown_and_closed_zones(
    client: TestClient,
    admin: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    assert start(client, parking_operator, holder.qr, 30, zone="nowhere").status_code == 404
    client.put("/v1/parking/zones/downtown", json={**ZONE, "active": False}, headers=admin)
    closed = start(client, parking_operator, holder.qr, 30)
    assert closed.status_code == 409
    assert closed.json()["error"] == "ZoneClosed"


def test_only_parking_merchants_park(
    client: TestClient, library: MerchantKey, downtown: str, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    response = start(client, library, holder.qr, 30)
    assert response.status_code == 403
    assert response.json()["error"] == "NotAParkingMerchant"
    offline = upload(client, library, [offline_item(holder.qr, "m1-0001")])
    assert offline.status_code == 403


def test_another_operators_session_is_not_found(
    client: TestClient,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    session = start(client, parking_operator, holder.qr, 30).json()
    other = MerchantKey.of(*make_merchant(name="Other Lots", category="parking"))
    assert extend(client, other, session["id"], 10).status_code == 404


def test_offline_upload_is_idempotent(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    # One card parks once at a time: the stays follow each other.
    items = [
        offline_item(holder.qr, "meter7-0001", hours_ago=5),
        offline_item(holder.qr, "meter7-0002", 30, hours_ago=3),
    ]
    first = upload(client, parking_operator, items)
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert [r["outcome"] for r in results] == ["charged", "charged"]
    assert [r["amount_cents"] for r in results] == [250, 125]
    assert balance(client, clerk, holder.number) == 625
    # The meter did not hear back and sends both again with a new upload, plus a new one.
    again = upload(client, parking_operator, [*items, offline_item(holder.qr, "meter7-0003", 12)])
    outcomes = [(r["outcome"], r["charge_id"]) for r in again.json()["results"]]
    assert outcomes[:2] == [
        ("duplicate", results[0]["charge_id"]),
        ("duplicate", results[1]["charge_id"]),
    ]
    assert outcomes[2][0] == "charged"
    assert balance(client, clerk, holder.number) == 575


def test_the_same_request_id_twice_in_one_upload_books_once(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    item = offline_item(holder.qr, "meter9-0001")
    response = upload(client, parking_operator, [item, item, {**item, "minutes": 90}])
    assert [r["outcome"] for r in response.json()["results"]] == [
        "charged",
        "duplicate",
        "rejected",
    ]
    assert response.json()["results"][2]["error"] == "IdempotencyKeyReused"
    assert balance(client, clerk, holder.number) == 750


def test_offline_charges_beyond_the_balance_go_to_the_shortfall_and_the_next_load_pays_it(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(100)
    response = upload(client, parking_operator, [offline_item(holder.qr, "m-1", minutes=120)])
    result = response.json()["results"][0]
    assert result["outcome"] == "charged"
    assert (result["amount_cents"], result["taken_cents"], result["shortfall_cents"]) == (
        500,
        100,
        400,
    )
    assert balance(client, clerk, holder.number) == 0
    statement = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk).json()
    assert statement["owed_cents"] == 400
    topped = load(client, clerk, holder.number, 1000)
    assert topped.json()["shortfall_recovered_cents"] == 400
    assert topped.json()["balance_cents"] == 600
    assert balance(client, clerk, holder.number) == 600
    after = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk).json()
    assert after["owed_cents"] == 0
    assert [line["kind"] for line in after["lines"]][:2] == ["shortfall_recovery", "load"]


def test_a_small_load_pays_back_part_of_the_shortfall(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    holder: Holder,
) -> None:
    upload(client, parking_operator, [offline_item(holder.qr, "m-2", minutes=120)])
    first = load(client, clerk, holder.number, 300)
    assert (first.json()["shortfall_recovered_cents"], first.json()["balance_cents"]) == (300, 0)
    second = load(client, clerk, holder.number, 300)
    assert (second.json()["shortfall_recovered_cents"], second.json()["balance_cents"]) == (
        200,
        100,
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"zone": "nowhere"}, "ZoneNotFound"),
        ({"minutes": 500}, "StayTooLong"),
        (
            {"occurred_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
            "OccurredAtRefused",
        ),
        (
            {"occurred_at": (datetime.now(UTC) - timedelta(days=60)).isoformat()},
            "OccurredAtRefused",
        ),
        ({"qr": "not a card"}, "CardNotAccepted"),
    ],
)
def test_offline_charges_that_cannot_be_booked_are_rejected_one_by_one(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
    change: dict[str, Any],
    error: str,
) -> None:
    holder = loaded(1000)
    bad = {**offline_item(holder.qr, "bad-1", hours_ago=4), **change}
    response = upload(client, parking_operator, [bad, offline_item(holder.qr, "good-1")])
    assert response.status_code == 200, response.text
    bad_result, good_result = response.json()["results"]
    assert (bad_result["outcome"], bad_result["error"]) == ("rejected", error)
    assert good_result["outcome"] == "charged"
    assert balance(client, clerk, holder.number) == 750
    # A rejected request id is not remembered: once fixed, the meter may send it again.
    fixed = upload(
        client, parking_operator, [offline_item(holder.qr, "bad-1", minutes=12, hours_ago=4)]
    )
    assert fixed.json()["results"][0]["outcome"] == "charged"


def test_a_card_revoked_after_the_stay_still_pays_but_not_one_revoked_before(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    parked_before = offline_item(holder.qr, "m-10", hours_ago=3)
    revoked = client.post(
        f"/v1/cards/{holder.number}/revoke", json={"reason": "lost"}, headers=clerk
    )
    assert revoked.status_code == 200
    parked_after = {**offline_item(holder.qr, "m-11"), "occurred_at": datetime.now(UTC).isoformat()}
    results = upload(client, parking_operator, [parked_before, parked_after]).json()["results"]
    assert [r["outcome"] for r in results] == ["charged", "rejected"]
    assert balance(client, clerk, holder.number) == 750


def test_a_retried_upload_replays_the_first_answer(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    key, items = new_key(), [offline_item(holder.qr, "k-1")]
    first = upload(client, parking_operator, items, key=key)
    again = upload(client, parking_operator, items, key=key)
    assert again.json() == first.json()
    assert again.json()["results"][0]["outcome"] == "charged"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert balance(client, clerk, holder.number) == 750


@pytest.mark.parametrize("occurred_at", [0, 1_700_000_000, "2026-01-01T10:00:00"])
def test_an_occurred_at_that_is_not_an_iso_time_with_offset_is_a_422(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    downtown: str,
    loaded: Callable[[int], Holder],
    occurred_at: Any,
) -> None:
    # A Unix time would be read as one; the schema says date-time (RFC 3339, with its offset).
    holder = loaded(1000)
    item = {**offline_item(holder.qr, "epoch-1"), "occurred_at": occurred_at}
    response = upload(client, parking_operator, [item])
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "charges", 0, "occurred_at"]
    assert balance(client, clerk, holder.number) == 1000
