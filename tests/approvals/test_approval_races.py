"""Two clerks approving the same applicant at once issue one card, never two (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.applicants.models import Decision
from app.cards.models import Card
from app.main import create_app
from tests.support.applicants import ready_to_approve, rows_of
from tests.support.http import Headers, Login

CLERKS = 8


@pytest.mark.postgres
def test_concurrent_approvals_issue_one_card(
    client: TestClient, login: Login, database_url: str
) -> None:
    applicant_id = ready_to_approve(client, login("clerk"))
    headers = [login("clerk") for _ in range(CLERKS)]
    app = create_app()
    start = threading.Barrier(CLERKS)
    statuses: list[int] = []

    def approve(h: Headers) -> None:
        with TestClient(app) as own:
            start.wait()
            statuses.append(
                own.post(f"/v1/applicants/{applicant_id}/approve", headers=h).status_code
            )

    threads = [threading.Thread(target=approve, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * (CLERKS - 1)
    assert len(rows_of(database_url, sa.select(Card.id))) == 1
    assert len(rows_of(database_url, sa.select(Decision.id))) == 1


@pytest.mark.postgres
def test_an_approval_and_a_denial_at_once_leave_one_decision(
    client: TestClient, login: Login, database_url: str
) -> None:
    applicant_id = ready_to_approve(client, login("clerk"))
    app = create_app()
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def act(action: str, body: dict[str, str] | None, h: Headers) -> None:
        with TestClient(app) as own:
            start.wait()
            url = f"/v1/applicants/{applicant_id}/{action}"
            statuses[action] = own.post(url, json=body, headers=h).status_code

    threads = [
        threading.Thread(target=act, args=("approve", None, login("clerk"))),
        threading.Thread(target=act, args=("deny", {"reason": "not_a_resident"}, login("clerk"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Whichever came first decided; a denial after an approval is refused, an approval after a
    # denial is allowed (the applicant may come back), so there are one or two decisions.
    decisions = [r[0] for r in rows_of(database_url, sa.select(Decision.outcome))]
    cards = rows_of(database_url, sa.select(Card.id))
    if statuses["deny"] == 409:
        assert (statuses["approve"], decisions, len(cards)) == (201, ["approved"], 1)
    else:
        assert statuses == {"deny": 200, "approve": 201}
        assert sorted(decisions) == ["approved", "denied"]
        assert len(cards) == 1
