from __future__ import annotations

import subprocess
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support.builders import TEST_PASSWORD, make_user
from tests.support.http import Headers

CLI = ".venv/bin/resident-id"


def test_sign_in_with_the_password_form_gives_a_bearer_token(client: TestClient) -> None:
    make_user("clerk", username="maria")
    response = client.post("/v1/auth/token", data={"username": "maria", "password": TEST_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "maria"
    assert me.json()["role"] == "clerk"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: TestClient) -> None:
    make_user("clerk", username="maria")
    wrong = client.post("/v1/auth/token", data={"username": "maria", "password": "nope-nope-nope"})
    unknown = client.post(
        "/v1/auth/token", data={"username": "nobody", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_a_disabled_account_can_no_longer_sign_in(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    created = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "sam", "password": "long-enough-pw", "role": "clerk"},
    )
    assert created.status_code == 201
    assert (
        client.post(
            "/v1/auth/token", data={"username": "sam", "password": "long-enough-pw"}
        ).status_code
        == 200
    )
    disabled = client.patch(
        f"/v1/users/{created.json()['id']}", headers=admin, json={"active": False}
    )
    assert disabled.status_code == 200
    assert (
        client.post(
            "/v1/auth/token", data={"username": "sam", "password": "long-enough-pw"}
        ).status_code
        == 401
    )


def test_user_create_refuses_unknown_fields_and_the_merchant_role(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    admin = login("admin")
    extra = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "sam", "password": "long-enough-pw", "role": "clerk", "nationality": "x"},
    )
    assert extra.status_code == 422
    assert extra.json()["detail"][0]["loc"] == ["body", "nationality"]
    merchant = client.post(
        "/v1/users",
        headers=admin,
        json={"username": "sam", "password": "long-enough-pw", "role": "merchant"},
    )
    assert merchant.status_code == 422
    assert client.get("/v1/users", headers=admin).json()["items"][0]["username"].startswith("admin")
    assert len(client.get("/v1/users", headers=admin).json()["items"]) == 1


def test_cli_creates_a_user_reading_the_password_from_stdin(
    client: TestClient, cli_env: dict[str, str]
) -> None:
    # A new account's branch (city-hall by default) must exist first.
    branch = subprocess.run(
        [CLI, "branches", "add", "city-hall", "--name", "City Hall"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert branch.returncode == 0, branch.stderr
    done = subprocess.run(
        [CLI, "users", "create", "lee", "--role", "supervisor"],
        input="a-very-good-password\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "a-very-good-password" not in done.stdout + done.stderr
    token = client.post(
        "/v1/auth/token", data={"username": "lee", "password": "a-very-good-password"}
    )
    assert token.status_code == 200


def test_cli_refuses_an_unknown_role_and_a_short_password(cli_env: dict[str, str]) -> None:
    bad_role = subprocess.run(
        [CLI, "users", "create", "lee", "--role", "mayor"],
        input="a-very-good-password\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad_role.returncode == 2
    short = subprocess.run(
        [CLI, "users", "create", "lee", "--role", "clerk"],
        input="short\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert short.returncode == 2
    assert "password" in short.stderr
