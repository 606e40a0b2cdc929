"""Passwords: staff change their own, an administrator resets one (API and CLI) and its holder must
choose a new one; a change, a reset or a deactivation ends every token, even after reactivation.
The policy is NIST SP 800-63B's: 12 characters at least and not a common password."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.support.builders import TEST_PASSWORD, make_user
from tests.support.http import Headers

CLI = ".venv/bin/resident-id"
NEW = "plum tree by the harbor"


def _token(client: TestClient, username: str, password: str) -> dict[str, object]:
    response = client.post("/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _bearer(token: dict[str, object]) -> Headers:
    return {"Authorization": f"Bearer {token['access_token']}"}


def _reset_by_cli(username: str, cli_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`resident-id users reset-password`, the new password typed at its prompt."""
    return subprocess.run(
        [CLI, "users", "reset-password", username],
        input="given at the desk\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_staff_change_their_own_password_and_old_tokens_end(client: TestClient) -> None:
    make_user("clerk", username="maria")
    first = _bearer(_token(client, "maria", TEST_PASSWORD))
    second = _bearer(_token(client, "maria", TEST_PASSWORD))
    changed = client.post(
        "/v1/auth/password",
        headers=first,
        json={"current_password": TEST_PASSWORD, "new_password": NEW},
    )
    assert changed.status_code == 200
    fresh = _bearer(changed.json())
    assert client.get("/v1/auth/me", headers=fresh).status_code == 200
    for old in (first, second):
        refused = client.get("/v1/auth/me", headers=old)
        assert refused.status_code == 401
    assert (
        client.post(
            "/v1/auth/token", data={"username": "maria", "password": TEST_PASSWORD}
        ).status_code
        == 401
    )
    assert _token(client, "maria", NEW)["must_change_password"] is False


def test_a_wrong_current_password_changes_nothing(client: TestClient) -> None:
    make_user("clerk", username="maria")
    headers = _bearer(_token(client, "maria", TEST_PASSWORD))
    wrong = client.post(
        "/v1/auth/password",
        headers=headers,
        json={"current_password": "not my password", "new_password": NEW},
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"] == "WrongPassword"
    assert client.get("/v1/auth/me", headers=headers).status_code == 200
    _token(client, "maria", TEST_PASSWORD)


@pytest.mark.parametrize(
    ("password", "status"),
    [
        ("short-one", 422),  # under 12 characters
        ("password1234", 422),  # common
        ("Password2024!", 422),  # a common password with digits and a symbol around it
        ("qwerasdfzxcv", 422),  # common
        ("aaaaaaaaaaaaaaa", 422),  # one character repeated
        ("abcdefghijklmn", 422),  # a straight run
        ("maria-is-my-name", 422),  # the username inside
        ("river stones at dawn", 200),
    ],
)
def test_the_password_policy(client: TestClient, password: str, status: int) -> None:
    make_user("clerk", username="maria")
    headers = _bearer(_token(client, "maria", TEST_PASSWORD))
    answer = client.post(
        "/v1/auth/password",
        headers=headers,
        json={"current_password": TEST_PASSWORD, "new_password": password},
    )
    assert answer.status_code == status, answer.text
    assert password not in answer.text


def test_an_admin_reset_forces_a_new_password_at_the_next_sign_in(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    maria = make_user("clerk", username="maria")
    before = _bearer(_token(client, "maria", TEST_PASSWORD))
    reset = client.post(
        f"/v1/users/{maria.id}/password", headers=admin, json={"new_password": "given at the desk"}
    )
    assert reset.status_code == 200
    assert reset.json()["must_change_password"] is True
    assert client.get("/v1/auth/me", headers=before).status_code == 401

    token = _token(client, "maria", "given at the desk")
    assert token["must_change_password"] is True
    headers = _bearer(token)
    me = client.get("/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["must_change_password"] is True
    blocked = client.get("/v1/applicants", headers=headers, params={"name": "Ana"})
    assert blocked.status_code == 403
    assert blocked.json()["error"] == "PasswordChangeRequired"

    changed = client.post(
        "/v1/auth/password",
        headers=headers,
        json={"current_password": "given at the desk", "new_password": NEW},
    )
    assert changed.status_code == 200
    assert changed.json()["must_change_password"] is False
    assert (
        client.get(
            "/v1/applicants", headers=_bearer(changed.json()), params={"name": "Ana"}
        ).status_code
        == 200
    )


def test_only_an_admin_resets_and_the_reset_follows_the_policy(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    maria = make_user("clerk", username="maria")
    supervisor = login("supervisor")
    refused = client.post(
        f"/v1/users/{maria.id}/password", headers=supervisor, json={"new_password": NEW}
    )
    assert refused.status_code == 403
    weak = client.post(
        f"/v1/users/{maria.id}/password",
        headers=login("admin"),
        json={"new_password": "password123456"},
    )
    assert weak.status_code == 422
    _token(client, "maria", TEST_PASSWORD)


def test_disabling_ends_tokens_even_after_reactivation(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    maria = make_user("clerk", username="maria")
    old = _bearer(_token(client, "maria", TEST_PASSWORD))
    assert (
        client.patch(f"/v1/users/{maria.id}", headers=admin, json={"active": False}).status_code
        == 200
    )
    assert client.get("/v1/auth/me", headers=old).status_code == 401
    assert (
        client.patch(f"/v1/users/{maria.id}", headers=admin, json={"active": True}).status_code
        == 200
    )
    assert client.get("/v1/auth/me", headers=old).status_code == 401
    assert (
        client.get(
            "/v1/auth/me", headers=_bearer(_token(client, "maria", TEST_PASSWORD))
        ).status_code
        == 200
    )


def test_usernames_ignore_case(client: TestClient, login: Callable[..., Headers]) -> None:
    admin = login("admin")
    created = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "Maria.Lopez", "password": NEW, "role": "clerk"},
    )
    assert created.status_code == 201
    assert created.json()["username"] == "maria.lopez"
    twin = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "MARIA.LOPEZ", "password": NEW, "role": "clerk"},
    )
    assert twin.status_code == 409
    assert "MARIA" not in twin.text
    assert _token(client, "MaRiA.LoPeZ", NEW)["access_token"]


def test_the_last_active_admin_cannot_be_disabled_or_demoted(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    first = make_user("admin", username="first-admin")
    headers = _bearer(_token(client, "first-admin", TEST_PASSWORD))
    for change in ({"active": False}, {"role": "clerk"}):
        refused = client.patch(f"/v1/users/{first.id}", headers=headers, json=change)
        assert refused.status_code == 409, change
        assert refused.json()["error"] == "LastAdmin"
    second = make_user("admin", username="second-admin")
    assert (
        client.patch(f"/v1/users/{second.id}", headers=headers, json={"active": False}).status_code
        == 200
    )
    assert (
        client.patch(f"/v1/users/{first.id}", headers=headers, json={"active": False}).status_code
        == 409
    )
    assert (
        client.patch(f"/v1/users/{second.id}", headers=headers, json={"active": True}).status_code
        == 200
    )
    assert (
        client.patch(f"/v1/users/{first.id}", headers=headers, json={"role": "auditor"}).status_code
        == 200
    )


def test_cli_resets_a_password_read_from_stdin(client: TestClient, cli_env: dict[str, str]) -> None:
    make_user("clerk", username="maria")
    old = _bearer(_token(client, "maria", TEST_PASSWORD))
    done = _reset_by_cli("MARIA", cli_env)
    assert done.returncode == 0, done.stderr
    assert "given at the desk" not in done.stdout + done.stderr
    assert client.get("/v1/auth/me", headers=old).status_code == 401
    assert _token(client, "maria", "given at the desk")["must_change_password"] is True
    unknown = _reset_by_cli("nobody", cli_env)
    assert unknown.returncode == 1
    weak = subprocess.run(
        [CLI, "users", "reset-password", "maria"],
        input="password1234\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert weak.returncode == 2
    assert "password" in weak.stderr


def test_a_new_role_applies_to_a_token_already_in_use(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    """Each worker keeps the accounts behind tokens (app.auth.service); a change drops them."""
    maria = make_user("clerk", username="maria")
    token = _bearer(_token(client, "maria", TEST_PASSWORD))
    assert client.get("/v1/audit/verify", headers=token).status_code == 403  # a clerk's, kept
    changed = client.patch(
        f"/v1/users/{maria.id}", headers=login("admin"), json={"role": "auditor"}
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/v1/audit/verify", headers=token).status_code == 200


def test_a_reset_made_by_another_process_ends_a_kept_token_within_a_second(
    client: TestClient, cli_env: dict[str, str]
) -> None:
    """The command line resets the password in a process of its own: the server hears it by
    NOTIFY on PostgreSQL, and on SQLite its copy of the account lives one second."""
    make_user("clerk", username="maria")
    old = _bearer(_token(client, "maria", TEST_PASSWORD))
    assert client.get("/v1/auth/me", headers=old).status_code == 200  # the account is kept now
    done = _reset_by_cli("maria", cli_env)
    assert done.returncode == 0, done.stderr
    time.sleep(1.0)
    assert client.get("/v1/auth/me", headers=old).status_code == 401
