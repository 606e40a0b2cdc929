"""POST /v1/verify/by-number: a card typed by hand, number and date of birth, as a merchant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards import numbers
from app.config import settings
from app.kit.types import utcnow
from cards.numbers import grouped
from tests.support.builders import make_applicant, make_merchant
from tests.support.http import Headers
from tests.support.verification import signed_card

UNKNOWN = {"status": "invalid", "reason": "unknown_card"}


def _by_number(client: TestClient, headers: Headers, number: str, born: str) -> Any:
    return client.post(
        "/v1/verify/by-number",
        json={"number": number, "date_of_birth": born},
        headers=headers,
    )


def _answer(client: TestClient, headers: Headers, number: str, born: str) -> dict[str, Any]:
    response = _by_number(client, headers, number, born)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_number_and_birth_date_answer_as_the_scanned_qr_does(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    card, qr = signed_card(session)
    scanned = client.post("/v1/verify", json={"qr": qr}, headers=merchant).json()
    typed = _answer(client, merchant, grouped(card.number), "1990-04-12")
    assert typed == scanned
    assert typed["status"] == "valid"
    assert typed["given_name"] == "Ánh"


def test_a_wrong_birth_date_reveals_nothing(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    card, _ = signed_card(session)
    wrong_day = _by_number(client, merchant, card.number, "1990-04-13")
    nobody = _by_number(client, merchant, numbers.new_card_number(), "1990-04-12")
    not_a_number = _by_number(client, merchant, "1234", "1990-04-12")
    for response in (wrong_day, nobody, not_a_number):
        assert response.status_code == 200
        assert response.json() == UNKNOWN
    assert wrong_day.headers.get("content-length") == nobody.headers.get("content-length")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"status": "revoked", "revoked_at": utcnow()}, ("revoked", None)),
        ({"expires_on": utcnow().date() - timedelta(days=1)}, ("expired", None)),
        ({"status": "pending_print"}, ("invalid", "not_issued")),
    ],
)
def test_a_card_not_in_force_says_why(
    client: TestClient,
    session: Session,
    merchant: Headers,
    state: dict[str, Any],
    expected: tuple[str, str | None],
) -> None:
    status = state.pop("status", "active")
    card, _ = signed_card(session, status=status, **state)
    body = _answer(client, merchant, card.number, "1990-04-12")
    assert (body["status"], body.get("reason")) == expected
    assert body["family_name"] == "Nguyễn"


def test_a_mononym_answers_as_its_qr_does(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    holder = make_applicant(session, given_name="", family_name="Sukarno", name_key="sukarno")
    card, qr = signed_card(session, applicant=holder)
    scanned = client.post("/v1/verify", json={"qr": qr}, headers=merchant).json()
    assert _answer(client, merchant, card.number, "1990-04-12") == scanned


def test_typed_and_scanned_verifications_share_one_rate_limit(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "verify_rate_per_minute", 3)
    card, qr = signed_card(session)
    _, headers = make_merchant()
    assert client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code == 200
    assert client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code == 200
    assert _by_number(client, headers, card.number, "1990-04-12").status_code == 200
    refused = _by_number(client, headers, card.number, "1990-04-12")
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimited"
    assert int(refused.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "body",
    [
        {"number": "4000 0000 0000 0002"},
        {"date_of_birth": "1990-04-12"},
        {"number": "4000000000000002", "date_of_birth": "04/12/1990"},
        {"number": "4000000000000002", "date_of_birth": 0},
        {"number": "4" * 33, "date_of_birth": "1990-04-12"},
        {"number": 4000000000000002, "date_of_birth": "1990-04-12"},
        {"number": "4000000000000002", "date_of_birth": "1990-04-12", "name": "Ánh"},
    ],
)
def test_bad_input_is_a_422(client: TestClient, merchant: Headers, body: dict[str, Any]) -> None:
    response = client.post("/v1/verify/by-number", json=body, headers=merchant)
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


def test_only_merchants_verify_by_number(client: TestClient, login: Any) -> None:
    body = {"number": "4000000000000002", "date_of_birth": "1990-04-12"}
    assert client.post("/v1/verify/by-number", json=body).status_code == 401
    response = client.post("/v1/verify/by-number", json=body, headers=login("clerk"))
    assert response.status_code == 403
