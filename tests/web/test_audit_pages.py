"""The auditor's pages through the app's client: the trail filtered by day, actor, action and card
number with actors named; the chain verified from a button; the verification chart as SVG whose
bars match the counts; settlements and the ledger check. Other roles are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.kit.types import utcnow
from app.payments.days import city_day
from tests.builders import make_printed_card, make_user, reading_session
from tests.web.console_client import csrf_of, post_form, signed_in, text_of

OTHER_ROLES = ("clerk", "supervisor", "printer", "admin")


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    yield from reading_session(database_url)


def _note(session: Session, actor: str, action: str, subject: str) -> None:
    audit.record(session, actor=actor, action=action, subject=subject)
    session.commit()


def _rows(page_text: str) -> int:
    return page_text.count('<th scope="row">')


def test_the_trail_names_actors_and_filters_by_card_number(
    client: TestClient, session: Session
) -> None:
    card = make_printed_card(session)
    other = make_printed_card(session)
    clerk = make_user("clerk", username="marisol")
    _note(session, f"user:{clerk.id}", "card.read", f"card:{card.id}")
    _note(session, f"user:{clerk.id}", "applicant.read", f"applicant:{card.applicant_id}")
    _note(session, f"user:{clerk.id}", "card.read", f"card:{other.id}")
    signed_in(client, "auditor")

    page = client.get("/console/audit/trail")
    assert page.status_code == 200
    assert "marisol" in text_of(page)
    assert f"user:{clerk.id}" not in page.text

    page = client.get("/console/audit/trail", params={"card": card.number})
    words = text_of(page)
    assert f"card:{card.id}" in words
    assert f"applicant:{card.applicant_id}" in words
    assert f"card:{other.id}" not in words
    page = client.get(
        "/console/audit/trail", params={"card": card.number, "action": "applicant.read"}
    )
    assert _rows(page.text) == 1
    page = client.get("/console/audit/trail", params={"actor": "Marisol", "action": "card.read"})
    assert _rows(page.text) == 2
    page = client.get("/console/audit/trail", params={"actor": "nobody-here"})
    assert "No entry matches." in text_of(page)


def test_the_trail_filters_by_the_city_days(client: TestClient, session: Session) -> None:
    _note(session, "system", "test.today", "test:1")
    today = city_day(utcnow())
    signed_in(client, "auditor")
    page = client.get("/console/audit/trail", params={"since": today.isoformat()})
    assert "test.today" in text_of(page)
    yesterday = (today - timedelta(days=1)).isoformat()
    page = client.get("/console/audit/trail", params={"until": yesterday, "action": "test.today"})
    assert "No entry matches." in text_of(page)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "12/01/2026"}, "since", "Enter the date as YYYY-MM-DD, for example 2026-12-01."),
        (
            {"since": "2026-12-05", "until": "2026-12-01"},
            "until",
            "The last day comes before the first day.",
        ),
        ({"card": "1234"}, "card", "No card has this number. Check the number on the card."),
    ],
)
def test_a_bad_filter_shows_the_error_at_its_field(
    client: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    signed_in(client, "auditor")
    page = client.get("/console/audit/trail", params=params)
    assert page.status_code == 422
    assert text_of(page).count(message) == 2
    assert f'href="#{field}"' in page.text
    assert 'id="events"' not in page.text


def test_verifying_the_chain_says_up_to_which_entry_and_when(
    client: TestClient, session: Session
) -> None:
    _note(session, "system", "test.one", "test:1")
    _note(session, "system", "test.two", "test:2")
    signed_in(client, "auditor")
    assert "The chain has not been verified here yet." in text_of(
        client.get("/console/audit/trail")
    )
    page = post_form(client, "/console/audit/trail", "/console/audit/trail/verify", {})
    words = text_of(page)
    assert "The chain was verified." in words
    assert "Verified up to entry 2 on" in words
    session.rollback()
    last = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None
    assert (last.action, last.seq) == ("audit.verify", 3)


def test_a_broken_chain_is_said_to_be_broken(client: TestClient, session: Session) -> None:
    _note(session, "system", "test.one", "test:1")
    _note(session, "system", "test.two", "test:2")
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(subject="test:9"))
    session.commit()
    signed_in(client, "auditor")
    page = post_form(client, "/console/audit/trail", "/console/audit/trail/verify", {})
    assert "the chain was sound up to entry 1 and broken at entry 2" in text_of(page)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_read_the_trail(client: TestClient, role: str) -> None:
    signed_in(client, role)
    assert client.get("/console/audit/trail").status_code == 403
    token = csrf_of(client.get("/console/password"))
    assert client.post("/console/audit/trail/verify", data={"csrf_token": token}).status_code == 403
