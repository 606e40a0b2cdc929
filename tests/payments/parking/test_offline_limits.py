"""Offline meters cannot put unlimited debt on a card: overlapping stays of one card are refused,
what a card may owe is capped, offline charges count against the daily limit, a stay before the
card was issued is refused, and the auditor sees who books the most offline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import settings
from app.db import session_factory
from app.kit.dates import city_day, day_bounds
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, balance, load, with_key

# 200 cents an hour, four hours at most: a longest stay costs 800 cents.
ZONE = {"name": "Hospital garage", "rate_cents_per_hour": 200, "max_minutes": 240}
LONGEST_STAY_CENTS = 800


@pytest.fixture
def garage(client: TestClient, login: Callable[..., Headers]) -> str:
    response = client.put("/v1/parking/zones/garage", json=ZONE, headers=login("admin"))
    assert response.status_code == 201, response.text
    return "garage"


def stay(qr: str, request_id: str, starts: datetime, minutes: int = 240) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "qr": qr,
        "zone": "garage",
        "minutes": minutes,
        "occurred_at": starts.isoformat(),
    }


def upload(client: TestClient, operator: MerchantKey, items: list[dict[str, Any]]) -> list[Any]:
    response = client.post(
        "/v1/parking/offline-charges", json={"charges": items}, headers=with_key(operator.headers)
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert isinstance(results, list)
    return results


def owed(client: TestClient, clerk: Headers, number: str) -> int:
    statement = client.get(f"/v1/cards/{number}/transactions", headers=clerk)
    assert statement.status_code == 200, statement.text
    value = statement.json()["owed_cents"]
    assert isinstance(value, int)
    return value


def test_the_reported_attack_500_overlapping_stays_books_one(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(2000)
    starts = datetime.now(UTC) - timedelta(hours=5)
    items = [stay(holder.qr, f"m1-{n:04d}", starts + timedelta(seconds=n)) for n in range(500)]
    results = upload(client, parking_operator, items)
    charged = [r for r in results if r["outcome"] == "charged"]
    assert len(charged) == 1
    assert {r["error"] for r in results if r["outcome"] == "rejected"} == {"StayOverlaps"}
    assert balance(client, clerk, holder.number) == 2000 - LONGEST_STAY_CENTS
    assert owed(client, clerk, holder.number) == 0
    # The next cash load is the cardholder's money, not a repayment of invented debt.
    topped = load(client, clerk, holder.number, 5000)
    assert topped.json()["shortfall_recovered_cents"] == 0
    assert balance(client, clerk, holder.number) == 2000 - LONGEST_STAY_CENTS + 5000


def test_overlap_is_refused_across_uploads_and_merchants(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    from tests.support.builders import make_merchant

    holder = loaded(3000)
    starts = datetime.now(UTC) - timedelta(hours=6)
    first = upload(client, parking_operator, [stay(holder.qr, "a-1", starts, 60)])
    assert first[0]["outcome"] == "charged"
    other = MerchantKey.of(*make_merchant(name="Other Lots", category="parking"))
    inside = upload(client, other, [stay(holder.qr, "b-1", starts + timedelta(minutes=30), 60)])
    assert (inside[0]["outcome"], inside[0]["error"]) == ("rejected", "StayOverlaps")
    # Back to back is not an overlap: the first stay ends as the next begins.
    after = upload(client, other, [stay(holder.qr, "b-2", starts + timedelta(minutes=60), 60)])
    assert after[0]["outcome"] == "charged"
    assert balance(client, clerk, holder.number) == 3000 - 400


def test_what_a_card_may_owe_from_offline_use_is_capped(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(100)
    starts = datetime.now(UTC) - timedelta(hours=13)
    # Three stays one after the other, each 800: the first owes 700, a second would owe 1,500.
    items = [stay(holder.qr, f"c-{n}", starts + timedelta(hours=4 * n)) for n in range(3)]
    results = upload(client, parking_operator, items)
    assert [r["outcome"] for r in results] == ["charged", "rejected", "rejected"]
    assert results[0]["shortfall_cents"] == 700
    assert results[1]["error"] == "OfflineDebtCapReached"
    assert owed(client, clerk, holder.number) == 700
    assert owed(client, clerk, holder.number) <= LONGEST_STAY_CENTS


def test_offline_charges_count_against_the_daily_limit(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    library: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    from tests.support.ledger_http import charge

    holder = loaded(10_000)
    limit = settings.daily_spend_limit_cents
    # Two one-minute stays in the first minutes of today in the city's calendar.
    day_start, _ = day_bounds(city_day(datetime.now(UTC)))
    items = [stay(holder.qr, f"d-{n}", day_start + timedelta(minutes=n + 1), 1) for n in range(2)]
    results = upload(client, parking_operator, items)
    assert all(r["outcome"] == "charged" for r in results), results
    spent_offline = sum(r["amount_cents"] for r in results)
    statement = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk).json()
    assert statement["spent_today_cents"] == spent_offline
    # An online charge now has only what the offline charges left of today's limit.
    over = charge(client, library.headers, holder.qr, limit - spent_offline + 1)
    assert over.status_code == 402
    assert over.json()["error"] == "DailySpendLimitReached"
    assert charge(client, library.headers, holder.qr, limit - spent_offline).status_code == 201


def test_offline_stays_beyond_the_daily_limit_are_refused(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    library: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    from tests.support.ledger_http import charge

    holder = loaded(10_000)
    spent = charge(client, library.headers, holder.qr, settings.daily_spend_limit_cents - 100)
    assert spent.status_code == 201, spent.text
    # The limit is the city's day's: the stay must begin on the day of the charge just made,
    # even when that day began less than 70 minutes ago.
    now = datetime.now(UTC)
    starts = max(now - timedelta(minutes=70), day_bounds(city_day(now))[0] + timedelta(seconds=1))
    results = upload(client, parking_operator, [stay(holder.qr, "e-1", starts, 60)])
    assert (results[0]["outcome"], results[0]["error"]) == ("rejected", "DailySpendLimitReached")


def test_a_stay_before_the_card_was_issued_is_refused(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    # The fixture's cards were issued 30 days ago; meters keep charges 14 days, so move the
    # issue date to an hour ago through the database.

    from app.cards.models import Card

    with session_factory()(expire_on_commit=True) as s, s.begin():
        card = s.get(Card, holder.card_id)
        assert card is not None
        card.issued_at = datetime.now(UTC) - timedelta(hours=1)
    results = upload(
        client,
        parking_operator,
        [stay(holder.qr, "f-1", datetime.now(UTC) - timedelta(hours=3), 60)],
    )
    assert (results[0]["outcome"], results[0]["error"]) == ("rejected", "CardNotAccepted")
    assert "issued" in results[0]["detail"]
    assert balance(client, clerk, holder.number) == 1000


def test_the_auditor_sees_the_largest_offline_totals(
    client: TestClient,
    login: Callable[..., Headers],
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
    new_holder: Callable[[], Holder],
) -> None:
    holder = loaded(5000)
    other = new_holder()
    starts = datetime.now(UTC) - timedelta(hours=10)
    upload(
        client,
        parking_operator,
        [
            stay(holder.qr, "g-1", starts, 240),
            stay(holder.qr, "g-2", starts + timedelta(hours=4), 120),
            stay(other.qr, "g-3", starts, 60),
        ],
    )
    auditor = login("auditor")
    response = client.get("/v1/parking/offline-report", headers=auditor)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [
        (c["applicant_id"], c["charges_count"], c["charged_cents"]) for c in report["cards"]
    ] == [
        (holder.applicant_id, 2, 1200),
        (other.applicant_id, 1, 200),
    ]
    assert report["cards"][1]["owed_cents"] == 200
    assert [(m["merchant_id"], m["charged_cents"]) for m in report["merchants"]] == [
        (parking_operator.id, 1400)
    ]
    assert client.get("/v1/parking/offline-report", headers=login("clerk")).status_code == 403
    assert (
        client.get("/v1/parking/offline-report", headers=parking_operator.headers).status_code
        == 403
    )


@pytest.mark.postgres
def test_concurrent_uploads_of_overlapping_stays_book_one_and_keep_the_cap(
    client: TestClient,
    clerk: Headers,
    parking_operator: MerchantKey,
    garage: str,
    loaded: Callable[[int], Holder],
) -> None:
    from tests.payments.ledger.test_ledger_concurrency import at_once
    from tests.support.builders import make_merchant

    holder = loaded(100)
    meters = [MerchantKey.of(*make_merchant(name=f"Lot {n}", category="parking")) for n in range(8)]
    starts = datetime.now(UTC) - timedelta(hours=6)

    def send(index: int) -> Any:
        item = stay(holder.qr, f"x-{index}", starts + timedelta(minutes=index))
        return client.post(
            "/v1/parking/offline-charges",
            json={"charges": [item]},
            headers=with_key(meters[index].headers),
        )

    responses = at_once(len(meters), send)
    outcomes = [r.json()["results"][0]["outcome"] for r in responses]
    assert outcomes.count("charged") == 1, outcomes
    assert owed(client, clerk, holder.number) == LONGEST_STAY_CENTS - 100
