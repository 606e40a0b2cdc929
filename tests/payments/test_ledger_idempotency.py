"""Every money-moving POST takes an Idempotency-Key: a retry replays the first answer and moves
nothing; the same key with another request is 422; keys belong to the caller who sent them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.payments.models import IdempotencyRecord, LedgerTransfer
from tests.support.builders import fresh_look
from tests.support.http import Headers
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    balance,
    charge,
    load,
    new_key,
    refund,
)


def _count(session: Session, model: Any) -> int:
    try:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
    finally:
        fresh_look(session)  # hold no transaction while requests run (SQLite's single writer)


def test_a_retried_charge_replays_its_receipt_and_moves_nothing(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    loaded: Callable[[int], Holder],
    session: Session,
) -> None:
    holder = loaded(1000)
    key = new_key()
    first = charge(client, library.headers, holder.qr, 400, key=key)
    transfers = _count(session, LedgerTransfer)
    again = charge(client, library.headers, holder.qr, 400, key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert balance(client, clerk, holder.number) == 600
    assert _count(session, LedgerTransfer) == transfers


def test_a_retried_load_and_refund_move_nothing(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    key = new_key()
    assert load(client, clerk, holder.number, 900, key=key).json()["balance_cents"] == 900
    assert load(client, clerk, holder.number, 900, key=key).json()["balance_cents"] == 900
    charge_id = charge(client, library.headers, holder.qr, 500).json()["id"]
    refund_key = new_key()
    first = refund(client, library.headers, charge_id, 300, key=refund_key)
    again = refund(client, library.headers, charge_id, 300, key=refund_key)
    assert again.json() == first.json()
    assert balance(client, clerk, holder.number) == 700


def test_the_same_key_with_another_body_is_422(
    client: TestClient, clerk: Headers, library: MerchantKey, loaded: Callable[[int], Holder]
) -> None:
    holder = loaded(1000)
    key = new_key()
    assert charge(client, library.headers, holder.qr, 400, key=key).status_code == 201
    other = charge(client, library.headers, holder.qr, 401, key=key)
    assert other.status_code == 422
    assert other.json()["error"] == "IdempotencyKeyReused"
    other_reference = charge(client, library.headers, holder.qr, 400, key=key, reference="FINE-9")
    assert other_reference.status_code == 422
    assert balance(client, clerk, holder.number) == 600


def test_the_same_key_on_another_card_is_422(
    client: TestClient, clerk: Headers, new_holder: Callable[[], Holder]
) -> None:
    first, second = new_holder(), new_holder()
    key = new_key()
    assert load(client, clerk, first.number, 500, key=key).status_code == 201
    response = load(client, clerk, second.number, 500, key=key)
    assert response.status_code == 422
    assert balance(client, clerk, second.number) == 0


def test_keys_are_scoped_to_the_caller(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    parking_operator: MerchantKey,
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(1000)
    key = new_key()
    mine = charge(client, library.headers, holder.qr, 100, key=key)
    theirs = charge(client, parking_operator.headers, holder.qr, 100, key=key, purpose="other")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert balance(client, clerk, holder.number) == 800


def test_a_refused_request_leaves_no_key_and_its_retry_is_judged_afresh(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder, session: Session
) -> None:
    key = new_key()
    refused = charge(client, library.headers, holder.qr, 500, key=key)
    assert refused.status_code == 402
    assert _count(session, IdempotencyRecord) == 0
    assert load(client, clerk, holder.number, 500).status_code == 201
    retried = charge(client, library.headers, holder.qr, 500, key=key)
    assert retried.status_code == 201
    assert retried.json()["balance_cents"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/v1/charges",
        "/v1/charges/{charge}/refunds",
        "/v1/parking/sessions",
        "/v1/parking/sessions/{charge}/extend",
        "/v1/parking/offline-charges",
    ],
)
def test_every_merchant_money_post_needs_a_key(
    client: TestClient, parking_operator: MerchantKey, path: str
) -> None:
    response = client.post(
        path.format(charge="00000000-0000-0000-0000-000000000000"),
        json={},
        headers=parking_operator.headers,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "IdempotencyKeyRequired"


def test_an_overlong_or_blank_key_is_400(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    for key in ("k" * 256, "   "):
        response = client.post(
            f"/v1/cards/{holder.number}/loads",
            json={"amount_cents": 100},
            headers={**clerk, "Idempotency-Key": key},
        )
        assert response.status_code == 400
    assert load(client, clerk, holder.number, 100, key="k" * 255).status_code == 201
