"""The drawer's day per clerk (fees, loads, refunds), and closing it: counted against expected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.config import settings
from app.kit.dates import city_day
from app.kit.types import utcnow
from app.main import create_app
from app.payments.models import DrawerClose
from tests.payments.conftest import BRANCH
from tests.support.applicants import dump_database, rows_of
from tests.support.builders import make_applicant, make_branch, make_printed_card
from tests.support.http import Headers, Login
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    charge,
    ledger_check,
    load,
    refund,
)


def _today() -> str:
    return city_day(utcnow()).isoformat()


def _close(client: TestClient, headers: Headers, counted: Any, **body: Any) -> Any:
    return client.post(
        f"/v1/branches/{body.pop('branch', BRANCH)}/drawer/close",
        json={"day": _today(), "counted_cents": counted, **body},
        headers=headers,
    )


def _username(client: TestClient, headers: Headers) -> str:
    name: str = client.get("/v1/auth/me", headers=headers).json()["username"]
    return name


@pytest.fixture
def busy_day(
    client: TestClient,
    login: Login,
    session: Session,
    clerk: Headers,
    library: MerchantKey,
    loaded: Callable[[int], Holder],
) -> dict[str, Headers]:
    """At BRANCH: `clerk` loads 2000 and takes a replacement fee in cash, `second` loads 500, the
    branch's supervisor refunds 300 of a library charge. Another branch loads 9000."""
    second = login("clerk", branch=BRANCH)
    supervisor = login("supervisor", branch=BRANCH)
    holder = loaded(2000)
    assert load(client, second, holder.number, 500).status_code == 201
    charged = charge(client, library.headers, holder.qr, 700)
    assert charged.status_code == 201, charged.text
    assert refund(client, supervisor, charged.json()["id"], 300).status_code == 201
    lost = make_printed_card(session, make_applicant(session, name_key="someone"))
    replaced = client.post(
        f"/v1/cards/{lost.number}/replace", json={"reason": "lost"}, headers=clerk
    )
    assert replaced.status_code == 201, replaced.text
    assert load(client, login("clerk", branch="city-hall"), holder.number, 9000).status_code == 201
    return {"clerk": clerk, "second": second, "supervisor": supervisor}


def test_the_drawer_shows_each_clerks_fees_loads_and_refunds(
    client: TestClient, login: Login, busy_day: dict[str, Headers]
) -> None:
    response = client.get(f"/v1/branches/{BRANCH}/drawer", headers=busy_day["supervisor"])
    assert response.status_code == 200, response.text
    drawer = response.json()
    fee = settings.replacement_fee_cents
    by_name = {c["clerk"]: c for c in drawer["by_clerk"]}
    names = {role: _username(client, h) for role, h in busy_day.items()}
    assert by_name[names["clerk"]] | {"clerk": "c"} == {
        "clerk": "c",
        "loads_count": 1,
        "loaded_cents": 2000,
        "fees_count": 1,
        "fees_cents": fee,
        "refunds_count": 0,
        "refunded_cents": 0,
    }
    assert (by_name[names["second"]]["loaded_cents"], by_name[names["second"]]["fees_cents"]) == (
        500,
        0,
    )
    assert (
        by_name[names["supervisor"]]["refunds_count"],
        by_name[names["supervisor"]]["refunded_cents"],
    ) == (1, 300)
    assert (drawer["loaded_cents"], drawer["fees_cents"], drawer["refunded_cents"]) == (
        2500,
        fee,
        300,
    )
    assert drawer["expected_cents"] == 2500 + fee
    assert drawer["closing_cents"] - drawer["opening_cents"] == 2500 + fee
    assert drawer["closed"] is None


def test_closing_the_day_records_the_difference_and_is_audited(
    client: TestClient,
    session: Session,
    busy_day: dict[str, Headers],
    cli_env: dict[str, str],
) -> None:
    expected = 2500 + settings.replacement_fee_cents
    response = _close(client, busy_day["clerk"], expected - 100)
    assert response.status_code == 201, response.text
    closed = response.json()
    assert closed | {"closed_at": None} == {
        "branch": BRANCH,
        "day": _today(),
        "expected_cents": expected,
        "counted_cents": expected - 100,
        "difference_cents": -100,
        "closed_by": _username(client, busy_day["clerk"]),
        "closed_at": None,
    }
    (event,) = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "payment.drawer.close")
    ).all()
    assert event.subject == f"branch:{BRANCH}"
    report = client.get(f"/v1/branches/{BRANCH}/drawer", headers=busy_day["supervisor"]).json()
    assert report["closed"] == closed
    checked = ledger_check(cli_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_second_close_of_the_day_is_a_conflict_and_changes_nothing(
    client: TestClient, login: Login, database_url: str, busy_day: dict[str, Headers]
) -> None:
    assert _close(client, busy_day["clerk"], 0).status_code == 201
    before = dump_database(database_url)
    again = _close(client, busy_day["supervisor"], 5000)
    assert again.status_code == 409
    body = again.json()
    assert body["error"] == "DrawerAlreadyClosed"
    assert body["close"]["counted_cents"] == 0
    assert dump_database(database_url) == before


def test_an_empty_day_closes_at_zero_and_an_over_count_is_positive(
    client: TestClient, login: Login
) -> None:
    response = _close(client, login("clerk", branch=BRANCH), 250)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["expected_cents"], body["difference_cents"]) == (0, 250)


def test_a_whole_count_written_with_a_point_is_a_count(client: TestClient, login: Login) -> None:
    # JSON Schema's integer includes 250.0, as the published schema does; 250.5 stays refused.
    response = _close(client, login("clerk", branch=BRANCH), 250.0)
    assert response.status_code == 201, response.text
    assert response.json()["counted_cents"] == 250


def test_a_clerk_closes_only_their_own_branch_a_supervisor_any(
    client: TestClient, login: Login, session: Session
) -> None:
    make_branch(BRANCH)  # it exists: the clerk is refused for being elsewhere, not a 404
    elsewhere = _close(client, login("clerk", branch="city-hall"), 0)
    assert elsewhere.status_code == 403
    assert elsewhere.json()["error"] == "NotYourBranch"
    assert session.scalars(sa.select(DrawerClose.id)).all() == []
    assert _close(client, login("supervisor", branch="city-hall"), 0).status_code == 201
    for role in ("auditor", "admin", "printer"):
        assert _close(client, login(role, branch=BRANCH), 0).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"counted_cents": -1},
        {"counted_cents": 12.5},
        {"counted_cents": "100"},
        {"counted_cents": None},
        {"counted_cents": 10**12},
        {"day": "2026-13-01"},
        {"day": 0},
        {"day": "1899-12-31"},
        {"day": (utcnow().date() + timedelta(days=2)).isoformat()},
        {"drawer": "main"},
    ],
)
def test_a_bad_close_is_refused_and_changes_nothing(
    client: TestClient, login: Login, database_url: str, body: dict[str, Any]
) -> None:
    clerk = login("clerk", branch=BRANCH)
    before = dump_database(database_url)
    response = client.post(
        f"/v1/branches/{BRANCH}/drawer/close",
        json={"day": _today(), "counted_cents": 100, **body},
        headers=clerk,
    )
    assert response.status_code == 422, response.text
    assert dump_database(database_url) == before


@pytest.mark.postgres
def test_two_closes_at_once_record_one(client: TestClient, login: Login, database_url: str) -> None:
    closers = [login("supervisor", branch=BRANCH) for _ in range(6)]
    app = create_app()
    start = threading.Barrier(len(closers))
    statuses: list[int] = []

    def close(headers: Headers) -> None:
        with TestClient(app) as own:
            start.wait()
            statuses.append(_close(own, headers, 100).status_code)

    threads = [threading.Thread(target=close, args=(h,)) for h in closers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * (len(closers) - 1)
    assert len(rows_of(database_url, sa.select(DrawerClose.id))) == 1
