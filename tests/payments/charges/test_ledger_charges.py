"""Merchants charge a card by its QR: a receipt when it pays, 402 when it cannot, 403 when the
card is revoked, expired or not ours; nothing moves on a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from tests.payments.conftest import holder_of
from tests.support.builders import make_card, make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, balance, charge, with_key


def test_a_library_fine_is_paid_and_the_answer_is_a_receipt(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(2000)
    response = charge(
        client, library.headers, holder.qr, 350, purpose="library_fine", reference="FINE-88123"
    )
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["amount_cents"] == 350
    assert receipt["balance_cents"] == 1650
    assert receipt["merchant_name"] == "Ives Memorial Library"
    assert receipt["reference"] == "FINE-88123"
    assert receipt["purpose"] == "library_fine"
    assert receipt["receipt_number"].startswith("R")
    assert len(receipt["receipt_number"]) == 12
    assert receipt["id"]
    assert receipt["at"]
    assert balance(client, clerk, holder.number) == 1650


def test_two_receipts_never_share_a_number(
    client: TestClient, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    numbers = {
        charge(client, library.headers, holder.qr, 10).json()["receipt_number"] for _ in range(5)
    }
    assert len(numbers) == 5


def test_too_low_a_balance_is_402_and_moves_nothing(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(300)
    response = charge(client, library.headers, holder.qr, 301)
    assert response.status_code == 402
    assert response.json()["error"] == "InsufficientBalance"
    assert balance(client, clerk, holder.number) == 300
    assert charge(client, library.headers, holder.qr, 300).json()["balance_cents"] == 0


def test_a_card_never_loaded_is_402(
    client: TestClient, library: MerchantKey, holder: Holder
) -> None:
    response = charge(client, library.headers, holder.qr, 100)
    assert response.status_code == 402
    assert response.json()["error"] == "InsufficientBalance"


def test_the_daily_spending_limit_holds(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    limit = settings.daily_spend_limit_cents
    holder = loaded(settings.balance_cap_cents)
    assert charge(client, library.headers, holder.qr, limit - 100).status_code == 201
    over = charge(client, library.headers, holder.qr, 101)
    assert over.status_code == 402
    assert over.json()["error"] == "DailySpendLimitReached"
    assert over.json()["remaining_today_cents"] == 100
    assert charge(client, library.headers, holder.qr, 100).status_code == 201
    assert balance(client, clerk, holder.number) == settings.balance_cap_cents - limit


def test_a_revoked_card_is_403_and_moves_nothing(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    revoked = client.post(
        f"/v1/cards/{holder.number}/revoke", json={"reason": "stolen"}, headers=clerk
    )
    assert revoked.status_code == 200, revoked.text
    response = charge(client, library.headers, holder.qr, 100)
    assert response.status_code == 403
    assert response.json()["error"] == "CardNotAccepted"
    assert response.json()["card_status"] == "revoked"
    assert balance(client, clerk, holder.number) == 1000


def test_an_expired_card_is_403(
    client: TestClient, clerk: Headers, library: MerchantKey, session: Session
) -> None:
    expired = holder_of(session, make_card(session, expires_on=date.today() - timedelta(days=3)))
    response = charge(client, library.headers, expired.qr, 100)
    assert response.status_code == 403
    assert response.json()["card_status"] == "expired"


@pytest.mark.parametrize("qr", ["hello", "HC1:NCFOXN%TS3DH", "x" * 4096])
def test_a_qr_that_is_not_our_card_is_403(
    client: TestClient, library: MerchantKey, qr: str
) -> None:
    response = charge(client, library.headers, qr, 100)
    assert response.status_code == 403
    assert response.json()["card_status"] == "invalid"


def test_a_tampered_qr_is_403(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    middle = len(holder.qr) // 2
    flipped = "A" if holder.qr[middle] != "A" else "B"
    tampered = holder.qr[:middle] + flipped + holder.qr[middle + 1 :]
    response = charge(client, library.headers, tampered, 100)
    assert response.status_code == 403
    assert balance(client, clerk, holder.number) == 1000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount_cents", 0),
        ("amount_cents", -5),
        ("amount_cents", 1.5),
        ("amount_cents", "100"),
        ("amount_cents", 10**18),
        ("purpose", "groceries"),
        ("reference", ""),
        ("reference", "x" * 65),
        ("qr", ""),
    ],
)
def test_bad_charges_are_422_and_move_nothing(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    loaded: Callable[[int], Holder],
    field: str,
    value: Any,
) -> None:
    holder = loaded(1000)
    body: dict[str, Any] = {
        "qr": holder.qr,
        "amount_cents": 100,
        "purpose": "other",
        "reference": "ORDER-1",
    }
    body[field] = value
    response = client.post("/v1/charges", json=body, headers=with_key(library.headers))
    assert response.status_code == 422, response.text
    assert balance(client, clerk, holder.number) == 1000


def test_a_charge_with_an_unknown_field_is_422(
    client: TestClient, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    body = {
        "qr": holder.qr,
        "amount_cents": 100,
        "purpose": "other",
        "reference": "ORDER-1",
        "licence_plate": "AB-1234",
    }
    response = client.post("/v1/charges", json=body, headers=with_key(library.headers))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "licence_plate"]


def test_only_merchants_charge(
    client: TestClient, login: Callable[..., Headers], loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    for role in ("clerk", "supervisor", "admin", "auditor"):
        assert charge(client, login(role), holder.qr, 100).status_code == 403, role
    assert charge(client, {}, holder.qr, 100).status_code == 401


def test_a_disabled_merchant_cannot_charge(
    client: TestClient,
    clerk: Headers,
    login: Callable[..., Headers],
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    merchant, headers = make_merchant(name="Closed Shop", category="other")
    disabled = client.post(f"/v1/merchants/{merchant.id}/disable", headers=login("admin"))
    assert disabled.status_code == 200, disabled.text
    response = charge(client, headers, holder.qr, 100)
    assert response.status_code == 401
    assert balance(client, clerk, holder.number) == 1000


def test_a_made_up_merchant_key_cannot_charge(
    client: TestClient, clerk: Headers, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    response = charge(client, {"Authorization": "Bearer rid_mk_forged"}, holder.qr, 100)
    assert response.status_code == 401
    assert balance(client, clerk, holder.number) == 1000
