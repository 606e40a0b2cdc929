"""A refused charge tells the merchant what a verification would (revoked, expired, forged, or a
valid card without the money), so it counts in the merchant's verification counts and takes from
the same rate limit: charging is no uncounted, unlimited way to check cards."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from app.kit.types import utcnow
from tests.support.builders import make_merchant
from tests.support.http import Headers
from tests.support.verification import signed_card


def _charge(client: TestClient, headers: Headers, qr: str) -> int:
    body = {"qr": qr, "amount_cents": 100, "purpose": "library_fine", "reference": "fine-1"}
    return client.post(
        "/v1/charges", json=body, headers={**headers, "Idempotency-Key": secrets.token_hex(8)}
    ).status_code


def test_refused_charges_are_counted_as_verifications(
    client: TestClient, session: Session, login: Callable[..., Headers]
) -> None:
    card, qr = signed_card(session)
    library, headers = make_merchant()
    assert _charge(client, headers, "garbage") == 403
    assert _charge(client, headers, qr) == 402  # a valid card with no stored value
    client.post(f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk"))
    assert _charge(client, headers, qr) == 403
    own = client.get("/v1/verify/counts", headers=headers)
    assert own.status_code == 200, own.text
    assert own.json()["items"] == [
        {
            "merchant_id": library.id,
            "day": utcnow().date().isoformat(),
            "valid": 1,
            "revoked": 1,
            "expired": 0,
            "invalid": 1,
        }
    ]


def test_refused_charges_take_from_the_verification_rate_limit(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 3)
    _card, qr = signed_card(session)
    _, headers = make_merchant()
    assert [_charge(client, headers, "garbage") for _ in range(3)] == [403] * 3
    body = {"qr": qr, "amount_cents": 100, "purpose": "library_fine", "reference": "fine-2"}
    refused = client.post(
        "/v1/charges", json=body, headers={**headers, "Idempotency-Key": secrets.token_hex(8)}
    )
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code == 429
