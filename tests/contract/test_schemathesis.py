"""The published OpenAPI spec against the running server: schemathesis with every check and every
phase (examples, coverage, fuzzing, stateful), as each staff role and as a merchant, 0 failures.

A real server on a fresh SQLite database, started here. Each role's run covers the operations that
role may call (tests/auth/test_route_roles.py proves every other one answers 403); the public ones
run once, with the admin. Run it alone with `make contract`; the lead re-runs it after merging
routes, and CONTRACT_MAX_EXAMPLES digs deeper.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.auth.roles import Role
from app.kit.links import LINKS
from app.main import create_app
from app.openapi import api_routes, roles_of
from tests.support.served import serving

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = ROOT / ".venv/bin"
ROLES = ("admin", "supervisor", "clerk", "printer", "auditor", "merchant")
# Changing one's own password ends the account's other sessions (its token among them), so that
# operation runs alone, as an account of its own, and no role's run loses its token half-way.
OWN_PASSWORD = "changePassword"
RUNS = (*ROLES, "own-password")
# Per operation and phase; more finds more, at about a second per example and role on CI.
MAX_EXAMPLES = os.environ.get("CONTRACT_MAX_EXAMPLES", "3")
PASSWORD = "contract-" + secrets.token_urlsafe(12)

pytestmark = [
    pytest.mark.contract,
    pytest.mark.skipif(
        not os.environ.get("RESIDENT_ID_CONTRACT"), reason="`make contract` runs the contract"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A served app with one account per role and a merchant: its URL and each role's token."""
    data = tmp_path_factory.mktemp("contract")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'contract.sqlite3'}",
        "RESIDENT_ID_DATA_DIR": str(data),
        "RESIDENT_ID_SECRET_KEY": secrets.token_urlsafe(48),
        # Fuzzing verifies far faster than a merchant: the limit would answer 429 to the rest.
        "RESIDENT_ID_VERIFY_RATE_PER_MINUTE": "1000000",
    }
    with serving(
        [str(BIN / "resident-id"), "serve"],
        env,
        startup_seconds=120,
        ready="/readyz",
        tracebacks_fail=False,
    ) as served:
        url = served.url
        # Staff accounts name an existing branch (their default is city-hall).
        branch = subprocess.run(
            [str(BIN / "resident-id"), "branches", "add", "city-hall", "--name", "City Hall"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert branch.returncode == 0, branch.stderr
        tokens: dict[str, str] = {}
        for role in [*ROLES[:-1], "own-password"]:
            made = subprocess.run(
                [
                    str(BIN / "resident-id"),
                    *("users", "create", f"st-{role}"),
                    *("--role", "clerk" if role == "own-password" else role),
                ],
                env=env,
                input=PASSWORD + "\n",
                capture_output=True,
                text=True,
                check=False,
            )
            assert made.returncode == 0, made.stderr
            signed = httpx.post(
                f"{url}/v1/auth/token", data={"username": f"st-{role}", "password": PASSWORD}
            )
            assert signed.status_code == 200, signed.text
            tokens[role] = signed.json()["access_token"]
        merchant = httpx.post(
            f"{url}/v1/merchants",
            json={"name": "Contract Parking", "category": "parking"},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
        assert merchant.status_code == 201, merchant.text
        tokens["merchant"] = merchant.json()["api_key"]
        yield url, tokens


def _operations_for(role: str) -> list[str]:
    if role == "own-password":
        return [OWN_PASSWORD]
    found = []
    for route in api_routes(create_app().router.routes):
        if not route.path.startswith("/v1/"):
            continue
        allowed = roles_of(route)
        if route.operation_id in [OWN_PASSWORD, *os.environ.get("CONTRACT_EXCLUDE", "").split(",")]:
            continue
        if Role(role) in allowed or (not allowed and role == "admin"):
            assert route.operation_id
            found.append(route.operation_id)
    return found


def _phases(operations: list[str]) -> str:
    """Every phase; stateful only where the spec links two of these operations (app/kit/links)."""
    linked = any(
        producer in operations and consumer in operations
        for producer, answers in LINKS.items()
        for links in answers.values()
        for consumer, _ in links
    )
    return "examples,coverage,fuzzing" + (",stateful" if linked else "")


@pytest.mark.parametrize("role", os.environ.get("CONTRACT_ROLES", ",".join(RUNS)).split(","))
def test_the_spec_holds_for(role: str, server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, tokens = server
    operations = _operations_for(role)
    assert operations
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--phases",
            _phases(operations),
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            os.environ.get("CONTRACT_SEED", "20261204"),
            "--header",
            f"Authorization: Bearer {tokens[role]}",
            "--report-dir",
            str(tmp_path),
            "--include-operation-id-regex",
            "^(" + "|".join(operations) + ")$",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py")},
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
