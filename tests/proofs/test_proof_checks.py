"""Recording proof checks: what a document proved is kept, which document it was is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.audit.models import AuditEvent
from app.config import settings
from app.proofs.models import ProofCheck
from tests.support.applicants import (
    dump_database,
    ready_to_approve,
    record_proof,
    register,
    rows_of,
    today,
)
from tests.support.http import Login


def test_a_check_keeps_points_requirements_clerk_and_time_only(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    response = record_proof(client, headers, applicant_id, "consular_id")
    assert response.status_code == 201, response.text
    check = response.json()
    assert check["identity_points"] == 3
    assert check["shows_photo"] is True
    assert check["shows_date_of_birth"] is True
    assert check["proves_residency"] is False
    assert check["residency_valid_until"] is None
    assert check["checked_by"].startswith("user:")
    assert check["checked_at"]
    assert "consular" not in response.text
    # Nothing anywhere says which document it was.
    dump = repr(dump_database(database_url))
    assert "consular" not in dump
    columns = {c.name for c in ProofCheck.__table__.columns}
    assert columns == {
        "id",
        "applicant_id",
        "identity_points",
        "shows_photo",
        "shows_date_of_birth",
        "proves_residency",
        "residency_valid_until",
        "checked_by",
        "checked_at",
    }
    (detail,) = rows_of(
        database_url, sa.select(AuditEvent.detail).where(AuditEvent.action == "proof.check")
    )
    assert detail[0] == f'{{"check":"{check["id"]}"}}'


def test_a_foreign_passport_and_a_us_passport_leave_the_same_trace(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    traces = []
    for document in ("foreign_passport", "us_passport"):
        applicant_id = register(client, headers, given_name=document)["id"]
        body = record_proof(client, headers, applicant_id, document).json()
        traces.append(
            {k: v for k, v in body.items() if k not in ("id", "applicant_id", "checked_at")}
        )
    assert traces[0] == traces[1]


@pytest.mark.parametrize(
    ("document", "age_days", "valid_for"),
    [
        ("utility_bill", 0, 90),
        ("utility_bill", 89, 1),
        ("utility_bill", 90, 0),  # the last day it counts
        ("pay_stub", 10, 20),  # the catalog's 30 days are stricter than the rule's 90
        ("property_tax_bill", 30, 60),  # the rule's 90 days are stricter than the catalog's 365
    ],
)
def test_a_residency_proof_counts_until_it_is_too_old(
    client: TestClient, login: Login, document: str, age_days: int, valid_for: int
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    dated = today() - timedelta(days=age_days)
    response = record_proof(client, headers, applicant_id, document, dated)
    assert response.status_code == 201, response.text
    assert response.json()["proves_residency"] is True
    until = today() + timedelta(days=valid_for)
    assert response.json()["residency_valid_until"] == until.isoformat()


def test_an_undated_residency_document_counts_from_the_day_it_is_seen(
    client: TestClient, login: Login
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    response = record_proof(client, headers, applicant_id, "residential_lease")
    assert response.status_code == 201
    until = today() + timedelta(days=settings.residency_max_age_days)
    assert response.json()["residency_valid_until"] == until.isoformat()


@pytest.mark.parametrize(
    ("document", "age_days", "error"),
    [
        ("utility_bill", 91, "DocumentTooOld"),
        ("shelter_letter", 31, "DocumentTooOld"),
        ("utility_bill", None, "DocumentDateRequired"),
        ("utility_bill", -5, "DocumentDateInFuture"),
        ("us_passport", -400, "DocumentDateInFuture"),
    ],
)
def test_a_document_too_old_undated_or_from_the_future_is_refused(
    client: TestClient,
    login: Login,
    database_url: str,
    document: str,
    age_days: int | None,
    error: str,
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    dated = None if age_days is None else today() - timedelta(days=age_days)
    response = record_proof(client, headers, applicant_id, document, dated)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert document not in response.text
    assert dump_database(database_url) == before


def test_the_summary_says_what_is_still_missing(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    assert record_proof(client, headers, applicant_id, "birth_certificate").status_code == 201
    response = client.get(f"/v1/applicants/{applicant_id}/proofs", headers=headers)
    assert response.status_code == 200
    summary = response.json()
    assert summary["identity_points"] == 2
    assert [m["requirement"] for m in summary["missing"]] == [
        "identity_points",
        "photo_document",
        "residency_proof",
    ]
    assert len(summary["checks"]) == 1


def test_a_check_recorded_in_error_can_be_withdrawn(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    wrong = record_proof(client, headers, applicant_id, "us_passport").json()
    url = f"/v1/applicants/{applicant_id}/proofs/{wrong['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert (
        client.get(f"/v1/applicants/{applicant_id}/proofs", headers=headers).json()["checks"] == []
    )
    again = client.delete(url, headers=headers)
    assert again.status_code == 404
    assert again.json()["error"] == "ProofCheckNotFound"
    actions = [r[0] for r in rows_of(database_url, sa.select(AuditEvent.action))]
    assert "proof.withdraw" in actions


def test_a_check_of_another_applicant_cannot_be_withdrawn(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    first = register(client, headers)["id"]
    second = register(client, headers, given_name="Bảo")["id"]
    check = record_proof(client, headers, first, "us_passport").json()
    response = client.delete(f"/v1/applicants/{second}/proofs/{check['id']}", headers=headers)
    assert response.status_code == 404


def test_after_approval_proofs_are_closed(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    applicant_id = ready_to_approve(client, headers)
    # Approved by someone other than the clerk who registered them (four eyes).
    approver = login("supervisor")
    assert (
        client.post(f"/v1/applicants/{applicant_id}/approve", headers=approver).status_code == 201
    )
    (check_id,) = rows_of(database_url, sa.select(ProofCheck.id).limit(1))
    before = dump_database(database_url)
    added = record_proof(client, headers, applicant_id, "birth_certificate")
    assert added.status_code == 409
    assert added.json()["error"] == "ApplicationClosed"
    withdrawn = client.delete(
        f"/v1/applicants/{applicant_id}/proofs/{check_id[0]}", headers=headers
    )
    assert withdrawn.status_code == 409
    assert dump_database(database_url) == before


def test_unknown_documents_and_applicants(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    unknown = record_proof(client, headers, applicant_id, "library_card")
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "UnknownDocument"
    assert "library_card" not in unknown.text
    nobody = record_proof(client, headers, "no-such-id", "us_passport")
    assert nobody.status_code == 404
    assert nobody.json()["error"] == "ApplicantNotFound"
    assert client.get("/v1/applicants/no-such-id/proofs", headers=headers).status_code == 404


def test_only_counter_staff_record_proofs(client: TestClient, login: Login) -> None:
    applicant_id = register(client, login("clerk"))["id"]
    for role in ("printer", "auditor", "admin"):
        assert record_proof(client, login(role), applicant_id, "us_passport").status_code == 403
        listed = client.get(f"/v1/applicants/{applicant_id}/proofs", headers=login(role))
        assert listed.status_code == 403
    assert record_proof(client, {}, applicant_id, "us_passport").status_code == 401
