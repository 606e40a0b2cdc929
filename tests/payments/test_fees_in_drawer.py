"""Card fees paid in cash reach the branch's drawer in the ledger; waivers book nothing."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from app.payments.models import Fee, LedgerTransfer
from tests.support.applicants import born_years_ago, dump_database, ready_to_approve
from tests.support.builders import make_applicant, make_printed_card
from tests.support.http import Headers, Login
from tests.support.ledger_http import ledger_check

BRANCH = "fair-haven-library"


def _drawer(client: TestClient, login: Login, branch: str = BRANCH) -> dict[str, Any]:
    response = client.get(f"/v1/branches/{branch}/drawer", headers=login("supervisor"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _approve(client: TestClient, headers: Headers, applicant_id: str, **body: Any) -> Any:
    return client.post(f"/v1/applicants/{applicant_id}/approve", json=body, headers=headers)


@pytest.mark.parametrize("body", [{}, {"fee_paid": "cash"}])
def test_a_fee_paid_in_cash_at_approval_is_in_the_approvers_drawer(
    client: TestClient,
    login: Login,
    session: Session,
    cli_env: dict[str, str],
    body: dict[str, str],
) -> None:
    applicant_id = ready_to_approve(client, login("clerk", branch=BRANCH))
    approver = login("supervisor", branch=BRANCH)
    response = _approve(client, approver, applicant_id, **body)
    assert response.status_code == 201, response.text
    card = response.json()["card"]
    assert (card["fee_cents"], card["fee_paid"]) == (settings.fee_adult_cents, "cash")
    drawer = _drawer(client, login)
    assert drawer["closing_cents"] - drawer["opening_cents"] == settings.fee_adult_cents
    assert _drawer(client, login, "city-hall")["closing_cents"] == 0
    (fee,) = session.scalars(sa.select(Fee)).all()
    assert (fee.kind, fee.branch, fee.amount_cents) == ("card", BRANCH, settings.fee_adult_cents)
    kinds = session.scalars(sa.select(LedgerTransfer.kind)).all()
    assert kinds == ["fee"]
    checked = ledger_check(cli_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("body", "born"),
    [
        ({"fee_waiver": "hardship"}, "1990-04-12"),
        ({"fee_waiver": "homeless", "fee_paid": "waived"}, "1990-04-12"),
        # From the senior age on there is no fee at all, nobody has to ask.
        ({}, born_years_ago(70).isoformat()),
    ],
)
def test_a_waived_fee_books_nothing(
    client: TestClient, login: Login, session: Session, body: dict[str, str], born: str
) -> None:
    applicant_id = ready_to_approve(client, login("clerk", branch=BRANCH), date_of_birth=born)
    response = _approve(client, login("supervisor", branch=BRANCH), applicant_id, **body)
    assert response.status_code == 201, response.text
    card = response.json()["card"]
    assert (card["fee_cents"], card["fee_paid"]) == (0, "waived")
    assert session.scalars(sa.select(LedgerTransfer.kind)).all() == []
    assert _drawer(client, login)["closing_cents"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"fee_paid": "cash", "fee_waiver": "hardship"},
        {"fee_paid": "waived"},
        {"fee_paid": "card"},
        {"fee_paid": None, "fee_waiver": "senior", "extra": 1},
    ],
)
def test_a_fee_settled_two_ways_or_none_is_refused_and_changes_nothing(
    client: TestClient, login: Login, database_url: str, body: dict[str, Any]
) -> None:
    applicant_id = ready_to_approve(client, login("clerk", branch=BRANCH))
    supervisor = login("supervisor", branch=BRANCH)
    before = dump_database(database_url)
    response = _approve(client, supervisor, applicant_id, **body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ValidationError"
    assert dump_database(database_url) == before


def test_a_replacement_fee_in_cash_reaches_the_drawer_and_a_waived_one_does_not(
    client: TestClient, login: Login, session: Session, cli_env: dict[str, str]
) -> None:
    clerk = login("clerk", branch=BRANCH)
    first = make_printed_card(session, make_applicant(session))
    paid = client.post(
        f"/v1/cards/{first.number}/replace",
        json={"reason": "lost", "fee_paid": "cash"},
        headers=clerk,
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["fee_cents"] == settings.replacement_fee_cents
    second = make_printed_card(session, make_applicant(session, name_key="someone else"))
    waived = client.post(
        f"/v1/cards/{second.number}/replace",
        json={"reason": "damaged", "fee_waiver": "city_error", "fee_paid": "waived"},
        headers=clerk,
    )
    assert waived.status_code == 201, waived.text
    assert waived.json()["fee_cents"] == 0
    fees = session.execute(sa.select(Fee.kind, Fee.branch, Fee.amount_cents)).all()
    assert [tuple(f) for f in fees] == [("replacement", BRANCH, settings.replacement_fee_cents)]
    drawer = _drawer(client, login)
    assert drawer["closing_cents"] == settings.replacement_fee_cents
    checked = ledger_check(cli_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_replacement_paid_in_cash_with_a_waiver_is_refused(
    client: TestClient, login: Login, session: Session
) -> None:
    card = make_printed_card(session, make_applicant(session))
    response = client.post(
        f"/v1/cards/{card.number}/replace",
        json={"reason": "lost", "fee_paid": "cash", "fee_waiver": "hardship"},
        headers=login("clerk", branch=BRANCH),
    )
    assert response.status_code == 422
    assert session.scalars(sa.select(Fee.id)).all() == []
