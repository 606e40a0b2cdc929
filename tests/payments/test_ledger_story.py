"""The whole story once: a clerk loads a card, the library and a parking merchant charge it by its
QR, a refund comes back, every retry changes nothing, and `ledger check` holds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.support.http import Headers
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    balance,
    charge,
    ledger_check,
    load,
    new_key,
    refund,
    with_key,
)


@pytest.mark.slow
def test_load_fine_parking_refund_and_retries(
    client: TestClient,
    clerk: Headers,
    holder: Holder,
    library: MerchantKey,
    parking_operator: MerchantKey,
    login: Callable[..., Headers],
    cli_env: dict[str, str],
) -> None:
    zone = {"name": "Chapel Street", "rate_cents_per_hour": 200, "max_minutes": 180}
    assert (
        client.put("/v1/parking/zones/chapel", json=zone, headers=login("admin")).status_code == 201
    )

    load_key, fine_key, park_key, refund_key = new_key(), new_key(), new_key(), new_key()
    loaded = load(client, clerk, holder.number, 3000, key=load_key)
    assert loaded.json()["balance_cents"] == 3000

    fine = charge(client, library.headers, holder.qr, 275, reference="FINE-31337", key=fine_key)
    assert fine.status_code == 201
    assert fine.json()["balance_cents"] == 2725

    park_body = {"qr": holder.qr, "zone": "chapel", "minutes": 90}
    parked = client.post(
        "/v1/parking/sessions", json=park_body, headers=with_key(parking_operator.headers, park_key)
    )
    assert parked.status_code == 201
    assert parked.json()["charge"]["amount_cents"] == 300
    assert parked.json()["charge"]["balance_cents"] == 2425

    refunded = refund(client, library.headers, fine.json()["id"], 275, key=refund_key)
    assert refunded.json()["balance_cents"] == 2700

    # Every request sent again with its key: the same answers, and not a cent moves.
    assert load(client, clerk, holder.number, 3000, key=load_key).json() == loaded.json()
    assert (
        charge(client, library.headers, holder.qr, 275, reference="FINE-31337", key=fine_key).json()
        == fine.json()
    )
    again = client.post(
        "/v1/parking/sessions", json=park_body, headers=with_key(parking_operator.headers, park_key)
    )
    assert again.json() == parked.json()
    assert refund(client, library.headers, fine.json()["id"], 275, key=refund_key).json() == (
        refunded.json()
    )
    assert balance(client, clerk, holder.number) == 2700

    statement = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk).json()
    assert [(line["kind"], line["amount_cents"]) for line in statement["lines"]] == [
        ("refund", 275),
        ("charge", -300),
        ("charge", -275),
        ("load", 3000),
    ]
    assert statement["lines"][1]["parking_zone"] == "chapel"
    checked = ledger_check(cli_env)
    assert checked.returncode == 0, checked.stdout
