"""Card lifecycle through HTTP: read, revoke, replace, renew, reprint; roles and bad input."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cards import numbers
from app.cards.models import Card
from app.cards.printing.models import PrintJob
from app.config import settings
from app.kit.dates import add_months, add_years
from app.kit.types import utcnow
from cards.numbers import grouped
from tests.support.builders import make_applicant, make_card, make_printed_card
from tests.support.http import Login


def _today() -> date:
    return utcnow().date()


def _jobs(session: Session, card_number: str) -> list[PrintJob]:
    query = (
        sa.select(PrintJob)
        .join(Card, Card.id == PrintJob.card_id)
        .where(Card.number == card_number)
        .order_by(PrintJob.created_at)
    )
    return list(session.scalars(query))


def _actions(session: Session) -> list[str]:
    return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_a_clerk_reads_a_card_by_its_number_as_printed(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    spaced = grouped(card.number)
    response = client.get(f"/v1/cards/{spaced}", headers=login("clerk"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["number"] == card.number
    assert body["number_grouped"] == spaced
    assert body["status"] == "active"
    assert body["expires_on"] == card.expires_on.isoformat()
    assert body["renewal_opens_on"] == (card.expires_on - timedelta(days=60)).isoformat()
    assert body["renewal_closes_on"] == add_months(card.expires_on, 6).isoformat()
    assert body["print_job_id"] is None
    assert "card.read" in _actions(session)


def test_an_auditor_may_read_but_not_revoke(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    auditor = login("auditor")
    assert client.get(f"/v1/cards/{card.number}", headers=auditor).status_code == 200
    response = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=auditor
    )
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    session.refresh(card)
    assert card.status == "active"


@pytest.mark.parametrize("role", ["printer", "auditor", "admin"])
@pytest.mark.parametrize("action", ["revoke", "replace", "renew", "reprint"])
def test_only_counter_staff_change_cards(
    client: TestClient, session: Session, login: Login, role: str, action: str
) -> None:
    card = make_printed_card(session)
    body = {
        "revoke": {"reason": "lost"},
        "replace": {"reason": "lost"},
        "renew": {},
        "reprint": {"reason": "misprint"},
    }[action]
    response = client.post(f"/v1/cards/{card.number}/{action}", json=body, headers=login(role))
    assert response.status_code == 403
    assert client.post(f"/v1/cards/{card.number}/{action}", json=body).status_code == 401


def test_a_printer_may_not_read_card_records(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    assert client.get(f"/v1/cards/{card.number}", headers=login("printer")).status_code == 403


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("4000000000000002", "no card has"),  # a valid check digit, but never issued
        ("4000000000000003", "not a card number"),  # one digit mistyped
        ("1234", "not a card number"),
        ("abcdefghijklmnop", "not a card number"),
    ],
)
def test_unknown_or_mistyped_numbers_are_not_found(
    client: TestClient, login: Login, number: str, why: str
) -> None:
    clerk = login("clerk")
    for method, path, body in (
        ("GET", "", None),
        ("POST", "/revoke", {"reason": "lost"}),
        ("POST", "/replace", {"reason": "lost"}),
        ("POST", "/renew", {}),
        ("POST", "/reprint", {"reason": "misprint"}),
    ):
        response = client.request(method, f"/v1/cards/{number}{path}", json=body, headers=clerk)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"] == "CardNotFound"
        assert why in response.json()["detail"]


def test_revoking_a_card_records_why_and_takes_it_out_of_the_print_queue(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    (job,) = _jobs(session, card.number)
    assert job.status == "queued"

    response = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "stolen"}, headers=login("supervisor")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "revoked"
    assert body["revoke_reason"] == "stolen"
    assert body["revoked_at"] is not None
    assert body["print_job_id"] is None
    session.expire_all()
    (job,) = _jobs(session, card.number)
    assert job.status == "cancelled"
    actions = _actions(session)
    assert "card.revoke" in actions
    assert "print_job.cancel" in actions
    # The reason stays on the card only: "stolen" is not written into the permanent trail.
    trail = session.scalars(sa.select(AuditEvent.detail)).all()
    assert not any("stolen" in detail for detail in trail)


def test_revoking_twice_is_a_conflict_and_changes_nothing(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    clerk = login("clerk")
    first = client.post(f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=clerk)
    assert first.status_code == 200
    again = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "damaged"}, headers=clerk
    )
    assert again.status_code == 409
    assert again.json()["error"] == "CardRevoked"
    session.refresh(card)
    assert card.revoke_reason == "lost"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "misplaced"},
        {"reason": "renewed"},  # set by the system only
        {"reason": "lost", "immigration_status": "x"},
        {"reason": None},
    ],
)
def test_bad_revoke_bodies_are_refused_and_change_nothing(
    client: TestClient, session: Session, login: Login, body: dict[str, object]
) -> None:
    card = make_printed_card(session)
    response = client.post(f"/v1/cards/{card.number}/revoke", json=body, headers=login("clerk"))
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"
    session.refresh(card)
    assert card.status == "active"


def test_an_unknown_field_is_named_in_the_answer(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    response = client.post(
        f"/v1/cards/{card.number}/replace",
        json={"reason": "lost", "nationality": "x"},
        headers=login("clerk"),
    )
    assert response.status_code == 422
    assert ["body", "nationality"] in [e["loc"] for e in response.json()["detail"]]


def test_replacing_a_card_revokes_it_and_queues_a_new_number(
    client: TestClient, session: Session, login: Login
) -> None:
    old = make_printed_card(session)
    response = client.post(
        f"/v1/cards/{old.number}/replace", json={"reason": "lost"}, headers=login("clerk")
    )
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["number"] != old.number
    assert numbers.is_valid(new["number"])
    assert new["status"] == "pending_print"
    assert new["replaces"] == old.number
    assert new["expires_on"] == old.expires_on.isoformat()  # a replacement does not extend
    assert new["fee_cents"] == settings.replacement_fee_cents
    assert new["fee_waiver"] is None
    assert new["print_job_id"] is not None

    session.refresh(old)
    assert old.status == "revoked"
    assert old.revoke_reason == "lost"
    (job,) = _jobs(session, new["number"])
    assert (job.id, job.status, job.kind) == (new["print_job_id"], "queued", "issue")
    read = client.get(f"/v1/cards/{old.number}", headers=login("auditor")).json()
    assert read["replaced_by"] == new["number"]


@pytest.mark.parametrize(
    ("waiver", "stored"),
    [("hardship", "hardship"), ("domestic_violence", "hardship"), ("city_error", "city_error")],
)
def test_a_waived_replacement_costs_nothing_and_keeps_only_the_coarse_reason(
    client: TestClient, session: Session, login: Login, waiver: str, stored: str
) -> None:
    old = make_printed_card(session)
    response = client.post(
        f"/v1/cards/{old.number}/replace",
        json={"reason": "damaged", "fee_waiver": waiver},
        headers=login("clerk"),
    )
    assert response.status_code == 201
    assert (response.json()["fee_cents"], response.json()["fee_waiver"]) == (0, stored)
    trail = session.scalars(sa.select(AuditEvent.detail)).all()
    assert not any("domestic" in detail for detail in trail)


@pytest.mark.parametrize(
    ("status", "expires_in_days", "error"),
    [
        ("revoked", 100, "CardRevoked"),
        ("pending_print", 100, "CardNotPrinted"),
        ("active", -1, "CardExpired"),
    ],
)
def test_only_a_valid_printed_card_can_be_replaced(
    client: TestClient,
    session: Session,
    login: Login,
    status: str,
    expires_in_days: int,
    error: str,
) -> None:
    card = make_card(session, status=status, expires_on=_today() + timedelta(days=expires_in_days))
    response = client.post(
        f"/v1/cards/{card.number}/replace", json={"reason": "lost"}, headers=login("clerk")
    )
    assert response.status_code == 409
    assert response.json()["error"] == error
    assert session.scalar(sa.select(sa.func.count()).select_from(Card)) == 1


def test_a_replaced_card_cannot_be_replaced_again(
    client: TestClient, session: Session, login: Login
) -> None:
    old = make_printed_card(session)
    clerk = login("clerk")
    first = client.post(f"/v1/cards/{old.number}/replace", json={"reason": "lost"}, headers=clerk)
    assert first.status_code == 201
    again = client.post(f"/v1/cards/{old.number}/replace", json={"reason": "lost"}, headers=clerk)
    assert again.status_code == 409
    assert session.scalar(sa.select(sa.func.count()).select_from(Card)) == 2


def test_a_card_past_its_expiry_reads_as_expired(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session, expires_on=_today() - timedelta(days=1))
    body = client.get(f"/v1/cards/{card.number}", headers=login("clerk")).json()
    assert body["status"] == "expired"
    last_day = make_printed_card(session, expires_on=_today())
    body = client.get(f"/v1/cards/{last_day.number}", headers=login("clerk")).json()
    assert body["status"] == "active"  # valid through the date printed on it


@pytest.mark.parametrize(
    "expires_in_days",
    [60, 1, 0, -1, -150],
)
def test_renewal_inside_the_window_issues_a_new_card(
    client: TestClient, session: Session, login: Login, expires_in_days: int
) -> None:
    applicant = make_applicant(session, date_of_birth=date(1980, 1, 1))
    old = make_printed_card(session, applicant, expires_on=_today() + timedelta(expires_in_days))
    response = client.post(f"/v1/cards/{old.number}/renew", headers=login("clerk"))
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["status"] == "pending_print"
    assert new["replaces"] == old.number
    assert new["fee_cents"] == settings.fee_adult_cents
    # Renewing early loses nothing: the new validity counts from the old expiry.
    starts = max(_today(), old.expires_on)
    assert new["expires_on"] == add_years(starts, settings.validity_years_adult).isoformat()
    # The old card stays valid until the new one is printed.
    session.refresh(old)
    assert old.status == "active"
    assert _jobs(session, new["number"])[0].status == "queued"


def test_a_child_renewing_gets_the_shorter_validity_and_fee(
    client: TestClient, session: Session, login: Login
) -> None:
    applicant = make_applicant(session, date_of_birth=_today() - timedelta(days=365 * 11))
    old = make_printed_card(session, applicant, expires_on=_today() + timedelta(days=10))
    response = client.post(
        f"/v1/cards/{old.number}/renew", json={"fee_waiver": None}, headers=login("clerk")
    )
    assert response.status_code == 201
    new = response.json()
    assert new["fee_cents"] == settings.fee_minor_cents
    assert new["expires_on"] == add_years(old.expires_on, settings.validity_years_minor).isoformat()


def test_seniors_renew_free_and_the_senior_waiver_is_for_seniors_only(
    client: TestClient, session: Session, login: Login
) -> None:
    clerk = login("clerk")
    senior = make_applicant(session, date_of_birth=date(1940, 5, 5))
    old = make_printed_card(session, senior, expires_on=_today() + timedelta(days=10))
    response = client.post(f"/v1/cards/{old.number}/renew", headers=clerk)
    assert response.status_code == 201
    assert (response.json()["fee_cents"], response.json()["fee_waiver"]) == (0, "senior")

    younger = make_printed_card(session, expires_on=_today() + timedelta(days=10))
    refused = client.post(
        f"/v1/cards/{younger.number}/renew", json={"fee_waiver": "senior"}, headers=clerk
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "WaiverNotApplicable"
    assert client.get(f"/v1/cards/{younger.number}", headers=clerk).json()["replaced_by"] is None


@pytest.mark.parametrize("expires_in_days", [61, 400])
def test_renewal_before_the_window_is_refused_with_its_dates(
    client: TestClient, session: Session, login: Login, expires_in_days: int
) -> None:
    card = make_printed_card(session, expires_on=_today() + timedelta(days=expires_in_days))
    response = client.post(f"/v1/cards/{card.number}/renew", json={}, headers=login("clerk"))
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "OutsideRenewalWindow"
    assert body["window_opens"] == (card.expires_on - timedelta(days=60)).isoformat()
    assert body["window_closes"] == add_months(card.expires_on, 6).isoformat()
    assert session.scalar(sa.select(sa.func.count()).select_from(Card)) == 1


def test_renewal_after_the_window_is_refused(
    client: TestClient, session: Session, login: Login
) -> None:
    expired = _today() - timedelta(days=1)
    while add_months(expired, 6) >= _today():  # step back until six months have passed
        expired -= timedelta(days=1)
    card = make_printed_card(session, expires_on=expired)
    response = client.post(f"/v1/cards/{card.number}/renew", headers=login("supervisor"))
    assert response.status_code == 409
    assert response.json()["window_closes"] == add_months(expired, 6).isoformat()


def test_a_card_is_renewed_once(client: TestClient, session: Session, login: Login) -> None:
    card = make_printed_card(session, expires_on=_today() + timedelta(days=5))
    clerk = login("clerk")
    assert client.post(f"/v1/cards/{card.number}/renew", headers=clerk).status_code == 201
    again = client.post(f"/v1/cards/{card.number}/renew", headers=clerk)
    assert again.status_code == 409
    assert again.json()["error"] == "CardSuperseded"
    # While the renewal waits for the printer, a lost old card is replaced through the new one.
    lost = client.post(f"/v1/cards/{card.number}/replace", json={"reason": "lost"}, headers=clerk)
    assert lost.status_code == 409


@pytest.mark.parametrize(
    ("status", "error"), [("revoked", "CardRevoked"), ("pending_print", "CardNotPrinted")]
)
def test_revoked_and_unprinted_cards_are_not_renewed(
    client: TestClient, session: Session, login: Login, status: str, error: str
) -> None:
    card = make_card(session, status=status, expires_on=_today() + timedelta(days=5))
    response = client.post(f"/v1/cards/{card.number}/renew", headers=login("clerk"))
    assert response.status_code == 409
    assert response.json()["error"] == error


@pytest.mark.parametrize(
    "body", [{"fee_waiver": "free"}, {"fee_waiver": "hardship", "reason": "x"}, [1, 2]]
)
def test_bad_renew_bodies_are_refused(
    client: TestClient, session: Session, login: Login, body: object
) -> None:
    card = make_printed_card(session, expires_on=_today() + timedelta(days=5))
    response = client.post(f"/v1/cards/{card.number}/renew", json=body, headers=login("clerk"))
    assert response.status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Card)) == 1


def test_a_reprint_queues_the_same_card_again_once(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    clerk = login("clerk")
    response = client.post(
        f"/v1/cards/{card.number}/reprint", json={"reason": "misprint"}, headers=clerk
    )
    assert response.status_code == 201, response.text
    job = response.json()
    assert (job["card_number"], job["kind"], job["status"]) == (card.number, "reprint", "queued")
    assert job["reprint_reason"] == "misprint"
    again = client.post(
        f"/v1/cards/{card.number}/reprint", json={"reason": "jammed"}, headers=clerk
    )
    assert again.status_code == 409
    assert again.json()["error"] == "PrintJobOpen"
    bad = client.post(f"/v1/cards/{card.number}/reprint", json={"reason": "x"}, headers=clerk)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("status", "expires_in_days", "error"),
    [
        ("revoked", 100, "CardRevoked"),
        ("pending_print", 100, "CardNotPrinted"),
        ("active", -1, "CardExpired"),
    ],
)
def test_only_active_cards_are_reprinted(
    client: TestClient,
    session: Session,
    login: Login,
    status: str,
    expires_in_days: int,
    error: str,
) -> None:
    card = make_card(session, status=status, expires_on=_today() + timedelta(days=expires_in_days))
    response = client.post(
        f"/v1/cards/{card.number}/reprint", json={"reason": "misprint"}, headers=login("clerk")
    )
    assert response.status_code == 409
    assert response.json()["error"] == error


@pytest.mark.postgres
def test_concurrent_replacements_of_one_card_issue_one_new_card(
    client: TestClient, session: Session, login: Login
) -> None:
    number = make_printed_card(session).number  # read here: a session is not for threads
    clerk = login("clerk")
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def replace() -> None:
        barrier.wait()
        response = client.post(
            f"/v1/cards/{number}/replace", json={"reason": "lost"}, headers=clerk
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=replace) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 5
    assert session.scalar(sa.select(sa.func.count()).select_from(Card)) == 2
