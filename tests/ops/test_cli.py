"""The command for operators: listings as JSON, `users list|disable`, one-line errors on stderr
with an exit code per kind, and progress bars that never reach stdout."""

from __future__ import annotations

import json
import subprocess

import pytest
from fastapi.testclient import TestClient

from tests.support.builders import make_branch
from tests.support.verification import run_cli

pytestmark = pytest.mark.slow


def _create(env: dict[str, str], username: str, role: str) -> None:
    make_branch()  # the account's default branch must exist
    done = run_cli(
        env, "users", "create", username, "--role", role, stdin="violet-harbor-lantern-42\n"
    )
    assert done.returncode == 0, done.stderr


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_users_list_as_json_and_disable(cli_env: dict[str, str], client: TestClient) -> None:
    _create(cli_env, "rosa", "clerk")
    _create(cli_env, "tomas", "auditor")
    listed = run_cli(cli_env, "users", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    users = {u["username"]: u for u in json.loads(listed.stdout)}
    assert users["rosa"]["role"] == "clerk"
    assert users["rosa"]["active"] is True
    assert set(users["tomas"]) == {
        "id",
        "username",
        "role",
        "branch",
        "active",
        "must_change_password",
        "created_at",
    }

    form = {"username": "rosa", "password": "violet-harbor-lantern-42"}
    assert client.post("/v1/auth/token", data=form).status_code == 200
    disabled = run_cli(cli_env, "users", "disable", "rosa")
    assert disabled.returncode == 0, disabled.stderr
    assert client.post("/v1/auth/token", data=form).status_code == 401
    again = json.loads(run_cli(cli_env, "users", "list", "--json").stdout)
    assert {u["username"]: u["active"] for u in again} == {"rosa": False, "tomas": True}
    table = run_cli(cli_env, "users", "list")
    assert "rosa" in table.stdout
    assert "tomas" in table.stdout


def test_errors_are_one_line_on_stderr_with_their_own_exit_code(cli_env: dict[str, str]) -> None:
    missing = run_cli(cli_env, "users", "disable", "nobody")
    assert missing.returncode == 3
    assert _one_line_error(missing) == "error: NotFound: no staff account 'nobody'"
    assert missing.stdout == ""

    _create(cli_env, "rosa", "clerk")
    taken = run_cli(
        cli_env, "users", "create", "rosa", "--role", "clerk", stdin="plum-orchard-velvet-93\n"
    )
    assert taken.returncode == 4
    assert "taken" in _one_line_error(taken)

    no_key = run_cli(cli_env, "keys", "withdraw", "no-such-kid")
    assert no_key.returncode == 3
    _one_line_error(no_key)

    bad_date = run_cli(cli_env, "ledger", "rollup", "--before", "someday")
    assert bad_date.returncode == 2
    _one_line_error(bad_date)


def test_keys_list_as_json(cli_env: dict[str, str]) -> None:
    assert run_cli(cli_env, "keys", "create").returncode == 0
    listed = run_cli(cli_env, "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (key,) = json.loads(listed.stdout)
    assert key["withdrawn_at"] is None
    assert len(key["kid"]) == 11


def test_long_checks_keep_stdout_to_their_verdict(cli_env: dict[str, str]) -> None:
    _create(cli_env, "rosa", "clerk")
    audit = run_cli(cli_env, "audit", "verify")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.strip().startswith("audit chain intact: ")
    ledger = run_cli(cli_env, "ledger", "check")
    assert ledger.returncode == 0, ledger.stderr
    assert ledger.stdout.strip().startswith("ledger holds: ")
    rollup = run_cli(cli_env, "ledger", "rollup")
    assert rollup.returncode == 0, rollup.stderr
    assert rollup.stdout.strip().startswith("rolled up 0 transfers")
