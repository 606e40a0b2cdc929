"""A person's cards, listed from the person: GET /v1/applicants/{id}/cards."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cards import service as cards
from app.kit.types import utcnow
from cards.numbers import grouped
from tests.support.builders import make_applicant, make_card, make_printed_card
from tests.support.http import Login


def test_a_clerk_lists_a_persons_cards_newest_first(
    client: TestClient, session: Session, login: Login
) -> None:
    person = make_applicant(session)
    old = make_printed_card(session, person, issued_at=utcnow() - timedelta(days=400))
    clerk = login("clerk")
    replaced = client.post(
        f"/v1/cards/{old.number}/replace",
        json={"reason": "lost", "fee_waiver": "hardship"},
        headers=clerk,
    )
    assert replaced.status_code == 201, replaced.text
    new_number = replaced.json()["number"]
    someone_else = make_card(session, make_applicant(session, name_key="other person"))

    response = client.get(f"/v1/applicants/{person.id}/cards", headers=clerk)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    assert [c["number"] for c in body["items"]] == [new_number, old.number]
    assert someone_else.number not in [c["number"] for c in body["items"]]
    newest, oldest = body["items"]
    assert (newest["status"], newest["replaces"]) == ("pending_print", old.number)
    assert (oldest["status"], oldest["replaces"]) == ("revoked", None)
    assert oldest["number_grouped"] == grouped(old.number)
    assert oldest["expires_on"] == old.expires_on.isoformat()
    assert newest["expires_on"] == old.expires_on.isoformat()
    assert set(newest) >= {"number", "status", "expires_on", "issued_at"}
    reads = session.scalars(
        sa.select(AuditEvent.subject).where(AuditEvent.action == "applicant.cards.read")
    ).all()
    assert reads == [f"applicant:{person.id}"]


def test_a_supervisor_sees_an_expired_card_as_expired(
    client: TestClient, session: Session, login: Login
) -> None:
    person = make_applicant(session)
    make_printed_card(session, person, expires_on=utcnow().date() - timedelta(days=1))
    response = client.get(f"/v1/applicants/{person.id}/cards", headers=login("supervisor"))
    assert response.status_code == 200, response.text
    assert [c["status"] for c in response.json()["items"]] == ["expired"]


def test_someone_without_cards_has_an_empty_list(
    client: TestClient, session: Session, login: Login
) -> None:
    person = make_applicant(session, status="pending")
    session.commit()
    response = client.get(f"/v1/applicants/{person.id}/cards", headers=login("clerk"))
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_cursor": None}


def test_an_unknown_applicant_is_a_404(client: TestClient, login: Login) -> None:
    response = client.get("/v1/applicants/nobody/cards", headers=login("clerk"))
    assert response.status_code == 404
    assert response.json()["error"] == "ApplicantNotFound"


@pytest.mark.parametrize("role", ["printer", "auditor", "admin"])
def test_only_counter_staff_list_a_persons_cards(
    client: TestClient, session: Session, login: Login, role: str
) -> None:
    person = make_applicant(session)
    session.commit()
    response = client.get(f"/v1/applicants/{person.id}/cards", headers=login(role))
    assert response.status_code == 403


def test_many_peoples_cards_read_at_once_read_as_each_card_alone(
    client: TestClient, session: Session, login: Login
) -> None:
    """A search lists many people's cards through `read_many`: the same as `read` card by card
    (the replaced card, the successor, the queued print job), in a few queries."""
    person = make_applicant(session)
    old = make_printed_card(session, person, issued_at=utcnow() - timedelta(days=400))
    replaced = client.post(
        f"/v1/cards/{old.number}/replace",
        json={"reason": "lost", "fee_waiver": "hardship"},
        headers=login("clerk"),
    )
    assert replaced.status_code == 201, replaced.text
    other = make_applicant(session, name_key="other person")
    make_card(session, other, status="pending_print")
    session.expire_all()
    held = cards.cards_of_applicants(session, [person.id, other.id])
    assert [len(held[person.id]), len(held[other.id])] == [2, 1]
    listed = [card for owner in (person.id, other.id) for card in held[owner]]
    assert cards.read_many(session, listed) == [cards.read(session, card) for card in listed]
    assert {r.replaced_by for r in cards.read_many(session, listed)} == {
        None,
        replaced.json()["number"],
    }
