from __future__ import annotations

import subprocess
from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.support.http import Headers

CLI = ".venv/bin/resident-id"


def _verify(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )


def _make_some_history(client: TestClient, admin: Headers) -> None:
    for name in ("ana", "ben", "cy"):
        response = client.post(
            "/v1/users",
            headers=admin,
            json={"username": name, "password": "long-enough-pw", "role": "clerk"},
        )
        assert response.status_code == 201


def test_writes_are_audited_and_auditors_read_them(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin, auditor = login("admin"), login("auditor")
    _make_some_history(client, admin)
    page = client.get("/v1/audit", headers=auditor, params={"action": "user.create"})
    assert page.status_code == 200
    items = page.json()["items"]
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    assert len(items) == 3
    assert all(i["actor"].startswith("user:") for i in items)
    assert client.get("/v1/audit", headers=admin).status_code == 403


def test_the_trail_pages_with_next_cursor_and_after_alike(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin, auditor = login("admin"), login("auditor")
    _make_some_history(client, admin)
    query: dict[str, str | int] = {"action": "user.create", "limit": 2}
    first = client.get("/v1/audit", headers=auditor, params=query).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"] == str(first["next_after"]) == str(first["items"][-1]["seq"])
    by_cursor = client.get(
        "/v1/audit", headers=auditor, params={**query, "cursor": first["next_cursor"]}
    ).json()
    by_after = client.get(
        "/v1/audit", headers=auditor, params={**query, "after": first["next_after"]}
    ).json()
    assert by_cursor == by_after
    assert len(by_cursor["items"]) == 1
    assert (by_cursor["next_cursor"], by_cursor["next_after"]) == (None, None)
    for bad in ("-1", "1.5", "x", "9" * 19):
        refused = client.get("/v1/audit", headers=auditor, params={"cursor": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["detail"][0]["loc"] == ["query", "cursor"]


def test_a_failed_write_leaves_no_audit_event(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin, auditor = login("admin"), login("auditor")
    _make_some_history(client, admin)
    again = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "ana", "password": "long-enough-pw", "role": "clerk"},
    )
    assert again.status_code == 409
    assert (
        len(
            client.get("/v1/audit", headers=auditor, params={"action": "user.create"}).json()[
                "items"
            ]
        )
        == 3
    )


def test_audit_verify_passes_then_detects_an_edit_and_a_deletion(
    client: TestClient, login: Callable[..., Headers], session: Session, cli_env: dict[str, str]
) -> None:
    _make_some_history(client, login("admin"))
    intact = _verify(cli_env)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "3 events" in intact.stdout

    session.execute(sa.text("UPDATE audit_events SET actor = 'user:someone-else' WHERE seq = 2"))
    session.commit()
    edited = _verify(cli_env)
    assert edited.returncode == 1
    assert "event 2" in edited.stdout
    assert "edited" in edited.stdout
    report = client.get("/v1/audit/verify", headers=login("auditor")).json()
    assert report == {"ok": False, "checked": 1, "broken_at": 2, "problem": "the row was edited"}


def test_audit_verify_detects_a_deleted_last_row(
    client: TestClient, login: Callable[..., Headers], session: Session, cli_env: dict[str, str]
) -> None:
    _make_some_history(client, login("admin"))
    session.execute(
        sa.text("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)")
    )
    session.commit()
    deleted = _verify(cli_env)
    assert deleted.returncode == 1
    assert "missing" in deleted.stdout


def test_links_the_database_computes_are_the_links_verify_recomputes(session: Session) -> None:
    """On PostgreSQL the database hashes each link (app/audit/repository.py); the chain check
    recomputes them in Python. Text beyond ASCII, quotes and backslashes must hash alike."""
    from app.audit import service as audit
    from app.audit.service import verify_chain

    for actor, detail in (
        ("user:peña", {"note": 'comillas " y \\ barra', "ñ": "ü – 名"}),
        ("merchant:plain", {}),
    ):
        audit.record(session, actor=actor, action="test.link", subject="test:1", detail=detail)
        session.commit()
    report = verify_chain(session)
    assert report.ok, report
    assert report.checked >= 2
