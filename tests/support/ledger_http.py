"""Calls the stored-value tests make over HTTP, each with a fresh Idempotency-Key by default."""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from typing import Any

import httpx2

from app.cards.models import Card
from app.merchants.models import Merchant
from tests.support.http import Headers


@dataclass(frozen=True)
class Holder:
    """A cardholder's card and its signed QR, as plain values: reading an ORM row after a commit
    would open a transaction, and on SQLite that holds the lock every request needs."""

    number: str
    card_id: str
    applicant_id: str
    qr: str

    @classmethod
    def of(cls, card: Card, qr: str) -> Holder:
        return cls(number=card.number, card_id=card.id, applicant_id=card.applicant_id, qr=qr)


@dataclass(frozen=True)
class MerchantKey:
    id: str
    name: str
    headers: Headers

    @classmethod
    def of(cls, merchant: Merchant, headers: Headers) -> MerchantKey:
        return cls(id=merchant.id, name=merchant.name, headers=headers)


# The in-process TestClient is an httpx2.Client; the concurrency tests talk to a real server
# with one too, so every helper works with either.
Client = httpx2.Client


def new_key() -> str:
    return secrets.token_hex(16)


def with_key(headers: Headers, key: str | None = None) -> Headers:
    return {**headers, "Idempotency-Key": key or new_key()}


def load(
    client: Client, headers: Headers, number: str, cents: Any, *, key: str | None = None
) -> httpx2.Response:
    return client.post(
        f"/v1/cards/{number}/loads", json={"amount_cents": cents}, headers=with_key(headers, key)
    )


def charge(
    client: Client,
    headers: Headers,
    qr: str,
    cents: Any,
    *,
    purpose: str = "library_fine",
    reference: str = "FINE-2026-0042",
    key: str | None = None,
) -> httpx2.Response:
    body = {"qr": qr, "amount_cents": cents, "purpose": purpose, "reference": reference}
    return client.post("/v1/charges", json=body, headers=with_key(headers, key))


def refund(
    client: Client, headers: Headers, charge_id: str, cents: Any, *, key: str | None = None
) -> httpx2.Response:
    return client.post(
        f"/v1/charges/{charge_id}/refunds",
        json={"amount_cents": cents},
        headers=with_key(headers, key),
    )


def balance(client: Client, headers: Headers, number: str) -> int:
    response = client.get(f"/v1/cards/{number}/balance", headers=headers)
    assert response.status_code == 200, response.text
    value = response.json()["balance_cents"]
    assert isinstance(value, int)
    return value


def ledger_check(cli_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [".venv/bin/resident-id", "ledger", "check"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
