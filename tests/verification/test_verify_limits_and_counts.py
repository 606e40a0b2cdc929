"""The per-key rate limit and the per-merchant daily counts, through HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from app.kit.types import utcnow
from app.main import create_app
from app.verification import counts
from app.verification.models import VerificationCount
from tests.support.builders import fresh_look, make_merchant
from tests.support.http import Headers, Login
from tests.support.verification import signed_card


def _post(client: TestClient, headers: Headers, qr: str) -> int:
    return client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code


def test_a_merchant_over_its_rate_gets_429_with_retry_after(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 3)
    _card, qr = signed_card(session)
    _, busy = make_merchant(name="Parking meters", category="parking")
    _, quiet = make_merchant()
    assert [_post(client, busy, qr) for _ in range(3)] == [200, 200, 200]
    refused = client.post("/v1/verify", json={"qr": qr}, headers=busy)
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimited"
    # One request per 20 s comes back at 3 a minute.
    assert 1 <= int(refused.headers["Retry-After"]) <= 20
    # The limit is per key: another merchant is not held back.
    assert _post(client, quiet, qr) == 200


def test_a_raised_limit_lets_a_busy_merchant_through(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 50)
    _card, qr = signed_card(session)
    _, headers = make_merchant()
    assert {_post(client, headers, qr) for _ in range(50)} == {200}
    # The bucket gets one back every 1.2 s: a slow machine may have earned one or two meanwhile.
    assert 429 in {_post(client, headers, qr) for _ in range(10)}


def test_daily_counts_say_how_many_and_nothing_about_whom(
    client: TestClient, session: Session, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 5)
    card, qr = signed_card(session)
    library, library_headers = make_merchant()
    bank, bank_headers = make_merchant(name="Elm Credit Union", category="bank")
    for text in (qr, qr, "garbage"):
        assert _post(client, library_headers, text) == 200
    client.post(f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk"))
    assert _post(client, library_headers, qr) == 200
    assert _post(client, bank_headers, qr) == 200
    assert _post(client, library_headers, qr) == 200
    # Refused by the rate limit: not a verification, not counted.
    assert _post(client, library_headers, qr) == 429

    today = utcnow().date().isoformat()
    own = client.get("/v1/verify/counts", headers=library_headers)
    assert own.status_code == 200, own.text
    assert own.json()["items"] == [
        {
            "merchant_id": library.id,
            "day": today,
            "valid": 2,
            "revoked": 2,
            "expired": 0,
            "invalid": 1,
        }
    ]
    everyone = client.get("/v1/verification-counts", headers=login("auditor")).json()["items"]
    assert {(row["merchant_id"], row["revoked"]) for row in everyone} == {
        (library.id, 2),
        (bank.id, 1),
    }
    only_bank = client.get(
        "/v1/verification-counts", params={"merchant_id": bank.id}, headers=login("admin")
    ).json()["items"]
    assert [row["merchant_id"] for row in only_bank] == [bank.id]


def test_counts_are_folded_into_the_table_in_batches(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _card, qr = signed_card(session)
    merchant, headers = make_merchant()
    monkeypatch.setattr(counts, "FOLD_AFTER_COUNT", 3)
    monkeypatch.setattr(counts, "FOLD_AFTER_SECONDS", 3600.0)
    counts.pending.drain()

    def stored() -> int:
        row = session.get(VerificationCount, (merchant.id, utcnow().date()))
        fresh_look(session)
        return row.valid if row is not None else 0

    assert _post(client, headers, qr) == 200
    assert _post(client, headers, qr) == 200
    assert stored() == 0  # still in memory: no write per verification
    assert _post(client, headers, qr) == 200
    session.expire_all()
    assert stored() == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(VerificationCount)) == 1


def test_counts_of_a_merchant_that_is_gone_do_not_break_verification(
    client: TestClient, session: Session
) -> None:
    _card, qr = signed_card(session)
    counts.pending.note("00000000-0000-0000-0000-00000000dead", utcnow().date(), "valid")
    _, headers = make_merchant()
    assert client.get("/v1/verify/counts", headers=headers).json()["items"] == []


def test_counts_refuse_a_backwards_period(client: TestClient, login: Login) -> None:
    response = client.get(
        "/v1/verification-counts",
        params={"since": "2026-02-01", "until": "2026-01-01"},
        headers=login("admin"),
    )
    assert response.status_code == 422
    assert response.json()["error"] == "Unprocessable"
    not_a_date = client.get(
        "/v1/verification-counts", params={"since": "yesterday"}, headers=login("admin")
    )
    assert not_a_date.status_code == 422


def test_only_overseers_read_everyones_counts(client: TestClient, login: Login) -> None:
    _, merchant = make_merchant()
    assert client.get("/v1/verification-counts", headers=merchant).status_code == 403
    assert client.get("/v1/verification-counts", headers=login("clerk")).status_code == 403
    assert client.get("/v1/verify/counts", headers=login("admin")).status_code == 403


# Commits: requests from many threads at once, each on a connection of its own.
@pytest.mark.commits
def test_concurrent_verifications_are_all_counted(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 1_000_000)
    # Folding often, so that many requests fold at once into the same row.
    monkeypatch.setattr(counts, "FOLD_AFTER_COUNT", 3)
    _card, qr = signed_card(session)
    merchant, headers = make_merchant()

    def scan(_: int) -> int:
        return _post(client, headers, qr)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(scan, range(120)))
    assert statuses == [200] * 120
    rows = client.get("/v1/verify/counts", headers=headers).json()["items"]
    assert [(row["merchant_id"], row["valid"]) for row in rows] == [(merchant.id, 120)]


def test_counts_still_in_memory_are_saved_when_the_server_stops(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counts, "FOLD_AFTER_COUNT", 1_000_000)
    monkeypatch.setattr(counts, "FOLD_AFTER_SECONDS", 3600.0)
    _card, qr = signed_card(session)
    merchant, headers = make_merchant()
    with TestClient(create_app()) as server:
        counts.pending.drain()
        assert _post(server, headers, qr) == 200
        assert _post(server, headers, "garbage") == 200
        assert session.get(VerificationCount, (merchant.id, utcnow().date())) is None
        fresh_look(session)
    row = session.get(VerificationCount, (merchant.id, utcnow().date()))
    assert row is not None
    assert (row.valid, row.invalid) == (1, 1)
