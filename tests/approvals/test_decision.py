"""Approve (rules, fee, waiver, card) and deny, through HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.applicants.models import Decision
from app.audit.models import AuditEvent
from app.cards.models import Card
from app.cards.printing.models import PrintJob
from app.config import settings
from app.kit.dates import add_years
from app.kit.types import utcnow
from app.proofs.models import ProofCheck
from tests.support.applicants import (
    born_years_ago,
    dump_database,
    peek,
    ready_to_approve,
    record_proof,
    register,
    rows_of,
    today,
    upload_photo,
)
from tests.support.http import Headers, Login


def _approve(client: TestClient, headers: Headers, applicant_id: str, **body: object) -> Any:
    url = f"/v1/applicants/{applicant_id}/approve"
    return (
        client.post(url, json=body, headers=headers) if body else client.post(url, headers=headers)
    )


def test_approval_issues_a_card_waiting_for_the_printer(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = ready_to_approve(client, headers, date_of_birth="1990-04-12")
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    assert response.status_code == 201, response.text
    card = response.json()["card"]
    assert card["status"] == "pending_print"
    # A library patron barcode number: 14 digits, 2, the institution code, a check digit.
    assert len(card["number"]) == 14
    assert card["number"].isdigit()
    assert card["number"].startswith("2" + settings.card_institution_code)
    assert card["expires_on"] == add_years(today(), settings.validity_years_adult).isoformat()
    assert (card["fee_cents"], card["fee_waiver"]) == (settings.fee_adult_cents, None)
    read = client.get(f"/v1/applicants/{applicant_id}", headers=headers).json()
    assert read["status"] == "approved"
    (stored,) = rows_of(database_url, sa.select(Card.number, Card.fee_cents, Card.applicant_id))
    assert tuple(stored) == (card["number"], settings.fee_adult_cents, applicant_id)
    (decision,) = rows_of(database_url, sa.select(Decision.outcome, Decision.fee_cents))
    assert tuple(decision) == ("approved", settings.fee_adult_cents)
    jobs = rows_of(database_url, sa.select(PrintJob.status))
    assert [j[0] for j in jobs] == ["queued"]
    actions = [a[0] for a in rows_of(database_url, sa.select(AuditEvent.action))]
    assert "applicant.approve" in actions
    assert "card.issue" in actions


def test_approving_twice_is_a_conflict_and_issues_one_card(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = ready_to_approve(client, headers)
    assert _approve(client, approver, applicant_id).status_code == 201
    before = dump_database(database_url)
    again = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    assert again.status_code == 409
    assert again.json()["error"] == "AlreadyApproved"
    assert dump_database(database_url) == before
    assert len(rows_of(database_url, sa.select(Card.id))) == 1


def test_nothing_recorded_lists_every_unmet_requirement(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = register(client, headers, date_of_birth=born_years_ago(8).isoformat())["id"]
    before = dump_database(database_url)
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "RequirementsNotMet"
    assert [u["requirement"] for u in body["unmet"]] == [
        "identity_points",
        "photo_document",
        "date_of_birth_document",
        "residency_proof",
        "photo_on_file",
        "minimum_age",
    ]
    assert "0 of the 3 identity points" in body["unmet"][0]["detail"]
    assert dump_database(database_url) == before


@pytest.mark.parametrize(
    ("documents", "photo", "unmet"),
    [
        # A birth certificate (2 points, date of birth) and an employer ID (1 point, photo): the
        # points add up across documents.
        (["birth_certificate", "employer_photo_id", "utility_bill"], True, []),
        (["birth_certificate", "utility_bill"], True, ["identity_points", "photo_document"]),
        (
            ["employer_photo_id", "utility_bill"],
            True,
            ["identity_points", "date_of_birth_document"],
        ),
        (["us_passport"], True, ["residency_proof"]),
        (["us_passport", "utility_bill"], False, ["photo_on_file"]),
        (
            ["utility_bill", "bank_statement"],
            True,
            ["identity_points", "photo_document", "date_of_birth_document"],
        ),
    ],
)
def test_each_rule_is_checked(
    client: TestClient,
    login: Login,
    documents: list[str],
    photo: bool,
    unmet: list[str],
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = register(client, headers)["id"]
    recent = today() - timedelta(days=3)
    for document in documents:
        day = recent if document in ("utility_bill", "bank_statement") else None
        assert record_proof(client, headers, applicant_id, document, day).status_code == 201
    if photo:
        assert upload_photo(client, headers, applicant_id).status_code == 200
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    if unmet:
        assert response.status_code == 409, response.text
        assert [u["requirement"] for u in response.json()["unmet"]] == unmet
    else:
        assert response.status_code == 201, response.text


def test_a_residency_proof_that_has_aged_no_longer_counts(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = register(client, headers)["id"]
    assert record_proof(client, headers, applicant_id, "us_passport").status_code == 201
    assert upload_photo(client, headers, applicant_id).status_code == 200
    # A bill checked months ago: its last valid day has passed.
    with peek(database_url) as s:
        s.add(
            ProofCheck(
                applicant_id=applicant_id,
                identity_points=0,
                shows_photo=False,
                shows_date_of_birth=False,
                proves_residency=True,
                residency_valid_until=today() - timedelta(days=1),
                checked_by="test",
                checked_at=utcnow() - timedelta(days=100),
            )
        )
        s.commit()
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    assert response.status_code == 409
    assert [u["requirement"] for u in response.json()["unmet"]] == ["residency_proof"]
    summary = client.get(f"/v1/applicants/{applicant_id}/proofs", headers=headers).json()
    assert [m["requirement"] for m in summary["missing"]] == ["residency_proof"]
    fresh = record_proof(client, headers, applicant_id, "bank_statement", today())
    assert fresh.status_code == 201
    assert (
        client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver).status_code == 201
    )


def test_every_rule_follows_the_settings(
    client: TestClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = register(client, headers, date_of_birth=born_years_ago(8).isoformat())["id"]
    assert record_proof(client, headers, applicant_id, "employer_photo_id").status_code == 201
    monkeypatch.setattr(settings, "min_identity_points", 1)
    monkeypatch.setattr(settings, "require_date_of_birth_document", False)
    monkeypatch.setattr(settings, "require_residency_proof", False)
    monkeypatch.setattr(settings, "require_photo_on_file", False)
    monkeypatch.setattr(settings, "min_age_years", 5)
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver)
    assert response.status_code == 201, response.text
    # Under 16: the shorter validity; under 18: the minor's fee.
    card = response.json()["card"]
    assert card["expires_on"] == add_years(today(), settings.validity_years_minor).isoformat()
    assert card["fee_cents"] == settings.fee_minor_cents


@pytest.mark.parametrize(
    ("age", "waiver", "fee", "stored"),
    [
        (40, None, 1000, None),
        (17, None, 500, None),
        (18, None, 1000, None),
        (64, None, 1000, None),
        (65, None, 0, "senior"),  # automatic: nobody has to ask for it
        (70, "senior", 0, "senior"),
        (40, "hardship", 0, "hardship"),
        (40, "veteran", 0, "veteran"),
        # Confidential reasons are kept only as "hardship".
        (40, "homeless", 0, "hardship"),
        (40, "domestic_violence", 0, "hardship"),
        (70, "veteran", 0, "veteran"),
    ],
)
def test_fees_and_waivers(
    client: TestClient,
    login: Login,
    database_url: str,
    age: int,
    waiver: str | None,
    fee: int,
    stored: str | None,
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = ready_to_approve(client, headers, date_of_birth=born_years_ago(age).isoformat())
    body = {"fee_waiver": waiver} if waiver else {}
    response = _approve(client, approver, applicant_id, **body)
    assert response.status_code == 201, response.text
    card = response.json()["card"]
    assert (card["fee_cents"], card["fee_waiver"]) == (fee, stored)
    (row,) = rows_of(database_url, sa.select(Decision.fee_cents, Decision.fee_waiver))
    assert tuple(row) == (fee, stored)
    (card_row,) = rows_of(database_url, sa.select(Card.fee_cents, Card.fee_waiver))
    assert tuple(card_row) == (fee, stored)
    dump = repr(dump_database(database_url))
    assert "domestic_violence" not in dump
    assert "homeless" not in dump


def test_the_senior_waiver_is_refused_before_65(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = ready_to_approve(client, headers, date_of_birth=born_years_ago(64).isoformat())
    before = dump_database(database_url)
    response = _approve(client, approver, applicant_id, fee_waiver="senior")
    assert response.status_code == 422
    assert response.json()["error"] == "WaiverNotApplicable"
    assert dump_database(database_url) == before


def test_an_unknown_waiver_is_refused(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant_id = ready_to_approve(client, headers)
    for body in ({"fee_waiver": "friend_of_the_mayor"}, {"fee_waiver": 1}, {"waiver": "hardship"}):
        response = client.post(f"/v1/applicants/{applicant_id}/approve", json=body, headers=headers)
        assert response.status_code == 422, body
    assert (
        client.get(f"/v1/applicants/{applicant_id}", headers=headers).json()["status"] == "pending"
    )


def test_a_denial_keeps_a_reason_code_and_the_applicant_may_return(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("supervisor")
    approver = login("supervisor")  # not who registered (four eyes)
    applicant_id = register(client, headers)["id"]
    denied = client.post(
        f"/v1/applicants/{applicant_id}/deny",
        json={"reason": "insufficient_residency"},
        headers=headers,
    )
    assert denied.status_code == 200, denied.text
    assert denied.json()["status"] == "denied"
    assert denied.json()["reason"] == "insufficient_residency"
    twice = client.post(
        f"/v1/applicants/{applicant_id}/deny",
        json={"reason": "insufficient_residency"},
        headers=headers,
    )
    assert twice.status_code == 409
    assert twice.json()["error"] == "AlreadyDenied"
    # Back with the right documents: the application can still be approved.
    assert record_proof(client, headers, applicant_id, "foreign_passport").status_code == 201
    lease = record_proof(client, headers, applicant_id, "residential_lease")
    assert lease.status_code == 201
    assert upload_photo(client, headers, applicant_id).status_code == 200
    assert (
        client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver).status_code == 201
    )
    outcomes = [
        r[0]
        for r in rows_of(database_url, sa.select(Decision.outcome).order_by(Decision.decided_at))
    ]
    assert outcomes == ["denied", "approved"]
    refused = client.post(
        f"/v1/applicants/{applicant_id}/deny", json={"reason": "not_a_resident"}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "AlreadyApproved"


@pytest.mark.parametrize(
    "body", [{}, {"reason": "illegal_alien"}, {"reason": "insufficient_identity", "note": "x"}]
)
def test_a_denial_needs_a_known_reason_code(
    client: TestClient, login: Login, database_url: str, body: dict[str, str]
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    response = client.post(f"/v1/applicants/{applicant_id}/deny", json=body, headers=headers)
    assert response.status_code == 422
    assert dump_database(database_url) == before


def test_only_counter_staff_decide(client: TestClient, login: Login) -> None:
    applicant_id = ready_to_approve(client, login("clerk"))
    for role in ("printer", "auditor", "admin"):
        for action, body in (("approve", None), ("deny", {"reason": "not_a_resident"})):
            response = client.post(
                f"/v1/applicants/{applicant_id}/{action}", json=body, headers=login(role)
            )
            assert response.status_code == 403
    assert client.post(f"/v1/applicants/{applicant_id}/approve").status_code == 401
