"""Every read of an applicant's record is in the audit trail an auditor reads."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.applicants import ready_to_approve, register
from tests.support.http import Login


def _trail(client: TestClient, login: Login, subject: str) -> list[dict[str, object]]:
    response = client.get("/v1/audit", params={"subject": subject}, headers=login("auditor"))
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_a_read_of_an_applicant_appears_in_the_audit_trail(
    client: TestClient, login: Login
) -> None:
    clerk = login("clerk")
    applicant_id = register(client, clerk)["id"]
    subject = f"applicant:{applicant_id}"
    assert [e["action"] for e in _trail(client, login, subject)] == ["applicant.create"]
    assert client.get(f"/v1/applicants/{applicant_id}", headers=clerk).status_code == 200
    events = _trail(client, login, subject)
    assert [e["action"] for e in events] == ["applicant.create", "applicant.read"]
    reader = client.get("/v1/auth/me", headers=clerk).json()["id"]
    assert events[-1]["actor"] == f"user:{reader}"
    assert events[-1]["detail"] == {}


def test_every_step_of_an_application_is_in_the_trail_and_the_chain_holds(
    client: TestClient, login: Login
) -> None:
    clerk = login("clerk")
    applicant_id = ready_to_approve(client, clerk)
    client.get(f"/v1/applicants/{applicant_id}/proofs", headers=clerk)
    # Approved by someone other than the clerk who registered them (four eyes), who looks at
    # the photo first (the printer may see it only once a card waits in its queue).
    supervisor = login("supervisor")
    client.get(f"/v1/applicants/{applicant_id}/photo", headers=supervisor)
    client.patch(f"/v1/applicants/{applicant_id}", json={"gender": "F"}, headers=clerk)
    assert (
        client.post(f"/v1/applicants/{applicant_id}/approve", headers=supervisor).status_code == 201
    )
    actions = [e["action"] for e in _trail(client, login, f"applicant:{applicant_id}")]
    assert actions == [
        "applicant.create",
        "proof.check",
        "proof.check",
        "applicant.photo.upload",
        "proof.read",
        "applicant.photo.read",
        "applicant.correct",
        "applicant.approve",
    ]
    verified = client.get("/v1/audit/verify", headers=login("auditor")).json()
    assert verified["ok"] is True
    assert verified["checked"] >= len(actions)
