"""Four eyes: the clerk who registered an applicant cannot approve them, unless the city allows
it for one-person branches (RESIDENT_ID_ALLOW_SELF_APPROVAL)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings, settings
from tests.support.applicants import dump_database, ready_to_approve
from tests.support.http import Login


def test_the_registering_clerk_cannot_approve_and_nothing_changes(
    client: TestClient, login: Login, database_url: str
) -> None:
    clerk = login("clerk")
    applicant_id = ready_to_approve(client, clerk)
    before = dump_database(database_url)
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=clerk)
    assert response.status_code == 403
    body = response.json()
    assert {key: body[key] for key in ("error", "detail")} == {
        "error": "SelfApprovalRefused",
        "detail": "you registered this applicant, so another clerk or a supervisor must "
        "approve them",
    }
    assert dump_database(database_url) == before


@pytest.mark.parametrize("approver_role", ["clerk", "supervisor"])
def test_another_clerk_or_a_supervisor_approves(
    client: TestClient, login: Login, approver_role: str
) -> None:
    applicant_id = ready_to_approve(client, login("clerk"))
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=login(approver_role))
    assert response.status_code == 201, response.text


def test_a_supervisor_who_registered_is_refused_too(client: TestClient, login: Login) -> None:
    supervisor = login("supervisor")
    applicant_id = ready_to_approve(client, supervisor)
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=supervisor)
    assert response.status_code == 403
    assert response.json()["error"] == "SelfApprovalRefused"


def test_a_one_person_branch_may_allow_self_approval(
    client: TestClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "allow_self_approval", True)
    clerk = login("clerk")
    applicant_id = ready_to_approve(client, clerk)
    response = client.post(f"/v1/applicants/{applicant_id}/approve", headers=clerk)
    assert response.status_code == 201, response.text


def test_the_setting_is_off_unless_the_environment_turns_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RESIDENT_ID_ALLOW_SELF_APPROVAL", raising=False)
    assert Settings().allow_self_approval is False
    monkeypatch.setenv("RESIDENT_ID_ALLOW_SELF_APPROVAL", "true")
    assert Settings().allow_self_approval is True
