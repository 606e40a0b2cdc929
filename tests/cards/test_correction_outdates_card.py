"""A name or date-of-birth correction under an active card says the card must be replaced."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.kit.types import utcnow
from tests.support.builders import make_applicant, make_card, make_printed_card
from tests.support.http import Login


def _correct(client: TestClient, login: Login, applicant_id: str, body: dict[str, Any]) -> Any:
    response = client.patch(f"/v1/applicants/{applicant_id}", json=body, headers=login("clerk"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("body", "needs"),
    [
        ({"given_name": "Thị Ánh"}, True),
        ({"family_name": "Nguyen"}, True),
        ({"given_name": None}, True),
        ({"date_of_birth": "1990-04-13"}, True),
        ({"phone": "203-555-0100"}, False),
        ({"address": {"street": "1 Elm St", "city": "New Haven", "postal_code": "06510"}}, False),
        # Sent but unchanged: nothing on the card is wrong.
        ({"given_name": "Ánh", "date_of_birth": "1990-04-12"}, False),
    ],
)
def test_a_correction_under_an_active_card_says_whether_it_must_be_replaced(
    client: TestClient, login: Login, session: Session, body: dict[str, Any], needs: bool
) -> None:
    card = make_printed_card(session)
    corrected = _correct(client, login, card.applicant_id, body)
    assert corrected["card_needs_replacement"] is needs
    # Only said, not done: the card stays as it was until the clerk replaces it.
    card_now = client.get(f"/v1/cards/{card.number}", headers=login("clerk")).json()
    assert card_now["status"] == "active"


@pytest.mark.parametrize(
    "card_state",
    ["none", "pending_print", "revoked", "expired"],
)
def test_without_an_active_card_nothing_needs_replacing(
    client: TestClient, login: Login, session: Session, card_state: str
) -> None:
    person = make_applicant(session)
    session.commit()
    if card_state == "pending_print":
        make_card(session, person, status="pending_print")
    elif card_state == "revoked":
        make_card(session, person, status="revoked", revoked_at=utcnow())
    elif card_state == "expired":
        make_printed_card(session, person, expires_on=utcnow().date() - timedelta(days=1))
    corrected = _correct(client, login, person.id, {"family_name": "Nguyen"})
    assert corrected["card_needs_replacement"] is False


def test_the_replacement_clears_it(client: TestClient, login: Login, session: Session) -> None:
    card = make_printed_card(session)
    assert _correct(client, login, card.applicant_id, {"family_name": "Nguyen"})[
        "card_needs_replacement"
    ]
    replaced = client.post(
        f"/v1/cards/{card.number}/replace",
        json={"reason": "replaced", "fee_waiver": "city_error"},
        headers=login("clerk"),
    )
    assert replaced.status_code == 201, replaced.text
    again = _correct(client, login, card.applicant_id, {"given_name": "Thị Ánh"})
    # The replacement is not printed yet: it will print the corrected record.
    assert again["card_needs_replacement"] is False
