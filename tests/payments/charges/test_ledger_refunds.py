"""Refunds: partial or whole, never more than remains, by the merchant that charged or a
supervisor; a refund is not itself refundable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.config import settings
from tests.support.http import Headers
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    balance,
    charge,
    load,
    refund,
)


@pytest.fixture
def charged(
    client: TestClient, library: MerchantKey, loaded: Callable[[int], Holder]
) -> tuple[Holder, str]:
    """A card loaded with 2,000 cents and charged 1,200 by the library: (holder, charge id)."""
    holder = loaded(2000)
    response = charge(client, library.headers, holder.qr, 1200)
    assert response.status_code == 201, response.text
    return holder, response.json()["id"]


def test_partial_refunds_up_to_the_whole_charge(
    client: TestClient, clerk: Headers, library: MerchantKey, charged: tuple[Holder, str]
) -> None:
    holder, charge_id = charged
    first = refund(client, library.headers, charge_id, 200)
    assert first.status_code == 201, first.text
    assert first.json()["amount_cents"] == 200
    assert first.json()["refundable_cents"] == 1000
    assert first.json()["balance_cents"] == 1000
    assert first.json()["charge_id"] == charge_id
    rest = refund(client, library.headers, charge_id, 1000)
    assert rest.status_code == 201
    assert rest.json()["refundable_cents"] == 0
    assert balance(client, clerk, holder.number) == 2000


def test_never_more_than_remains(
    client: TestClient, clerk: Headers, library: MerchantKey, charged: tuple[Holder, str]
) -> None:
    holder, charge_id = charged
    too_much = refund(client, library.headers, charge_id, 1201)
    assert too_much.status_code == 409
    assert too_much.json()["error"] == "RefundExceedsCharge"
    assert too_much.json()["refundable_cents"] == 1200
    assert refund(client, library.headers, charge_id, 1200).status_code == 201
    again = refund(client, library.headers, charge_id, 1)
    assert again.status_code == 409
    assert again.json()["refundable_cents"] == 0
    assert balance(client, clerk, holder.number) == 2000


def test_a_refund_cannot_be_refunded(
    client: TestClient, clerk: Headers, library: MerchantKey, charged: tuple[Holder, str]
) -> None:
    holder, charge_id = charged
    first = refund(client, library.headers, charge_id, 500).json()
    response = refund(client, library.headers, first["id"], 100)
    assert response.status_code == 422
    assert response.json()["error"] == "RefundNotRefundable"
    assert balance(client, clerk, holder.number) == 1300


def test_another_merchant_cannot_refund(
    client: TestClient, clerk: Headers, charged: tuple[Holder, str], parking_operator: MerchantKey
) -> None:
    holder, charge_id = charged
    response = refund(client, parking_operator.headers, charge_id, 100)
    assert response.status_code == 403
    assert response.json()["error"] == "NotYourCharge"
    assert balance(client, clerk, holder.number) == 800


def test_a_supervisor_refunds_any_charge_but_a_clerk_cannot(
    client: TestClient,
    clerk: Headers,
    login: Callable[..., Headers],
    charged: tuple[Holder, str],
) -> None:
    holder, charge_id = charged
    assert refund(client, clerk, charge_id, 100).status_code == 403
    assert refund(client, login("admin"), charge_id, 100).status_code == 403
    response = refund(client, login("supervisor"), charge_id, 100)
    assert response.status_code == 201, response.text
    assert balance(client, clerk, holder.number) == 900


@pytest.mark.parametrize("amount", [0, -1, 0.5, "100", 10**20])
def test_bad_refund_amounts_are_422(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    charged: tuple[Holder, str],
    amount: object,
) -> None:
    holder, charge_id = charged
    assert refund(client, library.headers, charge_id, amount).status_code == 422
    assert balance(client, clerk, holder.number) == 800


def test_an_unknown_charge_is_404(client: TestClient, library: MerchantKey) -> None:
    response = refund(client, library.headers, "00000000-0000-0000-0000-000000000000", 100)
    assert response.status_code == 404
    assert response.json()["error"] == "ChargeNotFound"


def test_a_refund_may_exceed_the_cap_it_is_the_holders_money(
    client: TestClient, clerk: Headers, library: MerchantKey, charged: tuple[Holder, str]
) -> None:
    holder, charge_id = charged
    top_up = settings.balance_cap_cents - 800
    assert load(client, clerk, holder.number, top_up).status_code == 201
    response = refund(client, library.headers, charge_id, 1200)
    assert response.status_code == 201
    assert response.json()["balance_cents"] == settings.balance_cap_cents + 1200
