"""A clerk loads cash onto a card; the balance follows the cardholder, the branch drawer the cash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.config import settings
from cards.numbers import grouped
from tests.payments.conftest import BRANCH, holder_of
from tests.support.builders import make_card
from tests.support.http import Headers
from tests.support.ledger_http import Holder, balance, load, with_key


def test_a_clerk_loads_cash_and_the_balance_grows(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    first = load(client, clerk, holder.number, 2500)
    assert first.status_code == 201, first.text
    assert first.json()["balance_cents"] == 2500
    assert first.json()["amount_cents"] == 2500
    assert first.json()["branch"] == BRANCH
    second = load(client, clerk, holder.number, 1000)
    assert second.json()["balance_cents"] == 3500
    assert balance(client, clerk, holder.number) == 3500


def test_a_whole_amount_written_with_a_point_is_loaded_and_a_fraction_refused(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    assert load(client, clerk, holder.number, 2500.0).status_code == 201
    for not_whole in (2500.5, "2500", True):
        assert load(client, clerk, holder.number, not_whole).status_code == 422, not_whole
    assert balance(client, clerk, holder.number) == 2500


def test_the_balance_follows_the_cardholder_to_a_new_card(
    client: TestClient, clerk: Headers, session: Session
) -> None:
    first_card = make_card(session)
    old = holder_of(session, first_card)
    assert load(client, clerk, old.number, 4000).status_code == 201
    revoked = client.post(f"/v1/cards/{old.number}/revoke", json={"reason": "lost"}, headers=clerk)
    assert revoked.status_code == 200, revoked.text
    applicant = session.get(Applicant, old.applicant_id)
    new = holder_of(session, make_card(session, applicant))
    assert balance(client, clerk, new.number) == 4000
    assert load(client, clerk, new.number, 500).json()["balance_cents"] == 4500
    # The lost card's number still shows the holder's balance, but takes no more cash.
    assert balance(client, clerk, old.number) == 4500
    assert load(client, clerk, old.number, 500).status_code == 409


def test_the_number_may_be_typed_with_spaces(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    spaced = grouped(holder.number)
    response = load(client, clerk, spaced, 700)
    assert response.status_code == 201, response.text
    assert balance(client, clerk, holder.number) == 700


def test_a_load_above_the_cap_is_refused_and_moves_nothing(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    cap = settings.balance_cap_cents
    assert load(client, clerk, holder.number, cap - 1000).status_code == 201
    over = load(client, clerk, holder.number, 1001)
    assert over.status_code == 409
    assert over.json()["error"] == "BalanceCapExceeded"
    assert over.json()["room_cents"] == 1000
    assert balance(client, clerk, holder.number) == cap - 1000
    exact = load(client, clerk, holder.number, 1000)
    assert exact.status_code == 201
    assert exact.json()["balance_cents"] == cap


@pytest.mark.parametrize(
    ("on_card", "amount", "room"),
    [(2000, 20000, 13000), (0, 20000, 15000), (14999, 15001, 1)],
)
def test_a_load_larger_than_the_cap_says_the_room_left_on_the_card(
    client: TestClient, clerk: Headers, holder: Holder, on_card: int, amount: int, room: int
) -> None:
    assert settings.balance_cap_cents == 15000
    if on_card:
        assert load(client, clerk, holder.number, on_card).status_code == 201
    over = load(client, clerk, holder.number, amount)
    assert over.status_code == 409
    assert over.json()["error"] == "BalanceCapExceeded"
    assert over.json()["room_cents"] == room
    assert balance(client, clerk, holder.number) == on_card
    assert load(client, clerk, holder.number, room).json()["balance_cents"] == 15000


@pytest.mark.parametrize(
    "amount",
    # Not 12.0: JSON Schema's integer includes it, so the server takes it (test above).
    [0, -100, 12.5, "1200", True, None, 10**12, 10**30, 1e300],
    ids=["zero", "negative", "fraction", "string", "bool", "null", "huge", "absurd", "float-huge"],
)
def test_bad_amounts_are_refused_and_move_nothing(
    client: TestClient, clerk: Headers, holder: Holder, amount: Any
) -> None:
    response = load(client, clerk, holder.number, amount)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ValidationError"
    assert balance(client, clerk, holder.number) == 0


def test_unknown_fields_are_refused(client: TestClient, clerk: Headers, holder: Holder) -> None:
    response = client.post(
        f"/v1/cards/{holder.number}/loads",
        json={"amount_cents": 500, "note": "cash from her brother"},
        headers=with_key(clerk),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "note"]
    assert balance(client, clerk, holder.number) == 0


@pytest.mark.parametrize("number", ["4111111111111112", "not-a-card", "0000000000000000"])
def test_unknown_cards_are_404(client: TestClient, clerk: Headers, number: str) -> None:
    response = load(client, clerk, number, 500)
    assert response.status_code == 404
    assert response.json()["error"] == "CardNotFound"
    assert client.get(f"/v1/cards/{number}/balance", headers=clerk).status_code == 404


def test_a_revoked_card_is_not_loaded(client: TestClient, clerk: Headers, session: Session) -> None:
    revoked = holder_of(session, make_card(session, status="revoked"))
    response = load(client, clerk, revoked.number, 500)
    assert response.status_code == 409
    assert response.json()["error"] == "CardRevoked"
    assert balance(client, clerk, revoked.number) == 0


def test_an_expired_card_is_not_loaded_and_one_awaiting_print_is(
    client: TestClient, clerk: Headers, session: Session
) -> None:
    # Card validity is judged once (app.cards.validity.usable): loads once ignored expiry.
    expired = holder_of(session, make_card(session, expires_on=date.today() - timedelta(days=2)))
    response = load(client, clerk, expired.number, 500)
    assert response.status_code == 409
    assert response.json()["error"] == "CardExpired"
    assert balance(client, clerk, expired.number) == 0
    waiting = holder_of(session, make_card(session, status="pending_print"))
    assert load(client, clerk, waiting.number, 500).status_code == 201
    assert balance(client, clerk, waiting.number) == 500


def test_only_counter_staff_load(
    client: TestClient,
    login: Callable[..., Headers],
    holder: Holder,
    clerk: Headers,
) -> None:
    for role in ("auditor", "admin", "printer"):
        response = load(client, login(role), holder.number, 500)
        assert response.status_code == 403, role
    assert load(client, login("supervisor"), holder.number, 500).status_code == 201
    assert balance(client, clerk, holder.number) == 500


def test_a_load_needs_an_idempotency_key(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    response = client.post(
        f"/v1/cards/{holder.number}/loads", json={"amount_cents": 500}, headers=clerk
    )
    assert response.status_code == 400
    assert response.json()["error"] == "IdempotencyKeyRequired"
    assert balance(client, clerk, holder.number) == 0
