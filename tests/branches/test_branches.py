"""Branches are a table: administrators add them (API and CLI), staff accounts and drawers name
only branches that exist, and a drawer URL naming anything else is a 404 that audits nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support.http import Headers

CLI = ".venv/bin/resident-id"
FAIR_HAVEN = {
    "code": "fair-haven",
    "name": "Fair Haven Branch Library",
    "address": "182 Grand Ave",
    "opening_hours": "Mon-Thu 10:00-18:00, Sat 10:00-14:00",
}


def _audit_subjects(client: TestClient, auditor: Headers) -> list[str]:
    items = client.get("/v1/audit?limit=500", headers=auditor).json()["items"]
    return [item["subject"] for item in items]


def test_an_admin_adds_a_branch_and_staff_list_them(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    created = client.post("/v1/branches", json=FAIR_HAVEN, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["opening_hours"] == FAIR_HAVEN["opening_hours"]
    assert client.post("/v1/branches", json=FAIR_HAVEN, headers=admin).status_code == 409
    listed = client.get("/v1/branches", headers=login("clerk")).json()["items"]
    assert [(b["code"], b["address"]) for b in listed] == [
        ("city-hall", None),
        ("fair-haven", "182 Grand Ave"),
    ]
    assert client.post("/v1/branches", json=FAIR_HAVEN, headers=login("clerk")).status_code == 403


def test_bad_branches_are_422(client: TestClient, login: Callable[..., Headers]) -> None:
    admin = login("admin")
    for change in (
        {"code": "x" * 33},
        {"code": "fair haven"},
        {"name": "Fair\u202eHaven"},
        {"name": "Fair\x00Haven"},
        {"address": "182 Grand Ave\x00"},
        {"opening_hours": "9\u200b-5"},
        {"manager": "Lee"},
    ):
        response = client.post("/v1/branches", json={**FAIR_HAVEN, **change}, headers=admin)
        assert response.status_code == 422, (change, response.text)


def test_a_drawer_of_an_unknown_branch_is_404_and_audits_nothing(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    auditor = login("auditor")
    before = _audit_subjects(client, auditor)
    response = client.get("/v1/branches/anything-at-all/drawer", headers=auditor)
    assert response.status_code == 404
    assert response.json()["error"] == "BranchNotFound"
    assert "anything-at-all" not in response.text
    assert client.get("/v1/branches/" + "b" * 74 + "/drawer", headers=auditor).status_code == 422
    assert _audit_subjects(client, auditor) == before
    assert "branch:anything-at-all" not in _audit_subjects(client, auditor)
    known = client.get("/v1/branches/city-hall/drawer", headers=auditor)
    assert known.status_code == 200
    assert "branch:city-hall" in _audit_subjects(client, auditor)


def test_a_staff_accounts_branch_must_exist(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    body = {"username": "lee", "password": "a-long-password-1", "role": "clerk"}
    unknown = client.post("/v1/users", json={**body, "branch": "atlantis"}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "UnknownBranch"
    too_long = client.post("/v1/users", json={**body, "branch": "b" * 80}, headers=admin)
    assert too_long.status_code == 422
    created = client.post("/v1/users", json={**body, "branch": "city-hall"}, headers=admin)
    assert created.status_code == 201, created.text
    moved = client.patch(
        f"/v1/users/{created.json()['id']}", json={"branch": "atlantis"}, headers=admin
    )
    assert moved.status_code == 422
    client.post("/v1/branches", json=FAIR_HAVEN, headers=admin)
    moved = client.patch(
        f"/v1/users/{created.json()['id']}", json={"branch": "fair-haven"}, headers=admin
    )
    assert moved.status_code == 200
    assert moved.json()["branch"] == "fair-haven"


def test_the_cli_adds_branches_that_accounts_may_then_name(
    client: TestClient, cli_env: dict[str, str], login: Callable[..., Headers]
) -> None:
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], input=stdin, env=cli_env, capture_output=True, text=True, check=False
        )

    refused = run(
        "users",
        "create",
        "lee",
        "--role",
        "clerk",
        "--branch",
        "westville",
        stdin="a-very-good-password\n",
    )
    assert refused.returncode == 2  # the input names no branch we have (app/cli/output.py)
    assert "UnknownBranch" in refused.stderr
    added = run(
        "branches",
        "add",
        "westville",
        "--name",
        "Mitchell Branch Library",
        "--address",
        "37 Harrison St",
        "--hours",
        "Tue-Sat 10:00-17:00",
    )
    assert added.returncode == 0, added.stderr
    assert run("branches", "add", "westville", "--name", "Again").returncode == 1
    assert run("branches", "add", "bad code", "--name", "X").returncode == 2
    assert "westville\tMitchell Branch Library" in run("branches", "list").stdout
    created = run(
        "users",
        "create",
        "lee",
        "--role",
        "clerk",
        "--branch",
        "westville",
        stdin="a-very-good-password\n",
    )
    assert created.returncode == 0, created.stderr
    listed = client.get("/v1/users", headers=login("admin")).json()["items"]
    assert {u["username"]: u["branch"] for u in listed}["lee"] == "westville"
