"""What the library tests do through the public surface, and the check every one of them ends
with: the ledger holds, and the library's record agrees with ours."""

from __future__ import annotations

import subprocess
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from tests.support.http import Headers
from tests.support.ledger_http import with_key
from tests.support.sip2_library import TestLibrary


def resident_id(*args: str) -> str:
    """The `resident-id` command in this process (the settings the `sip2` fixture set): the
    same command as in a shell, without paying for a new interpreter on a busy machine."""
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output
    return done.output.strip()


def worker_once(env: dict[str, str] | None = None) -> str:
    """One pass of `resident-id library worker`; in a process of its own when given its
    environment (the deployment's variable names), else in this one."""
    if env is None:
        return resident_id("library", "worker", "--once")
    done = subprocess.run(
        [".venv/bin/resident-id", "library", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def fines(client: TestClient, headers: Headers, number: str) -> Any:
    return client.get("/v1/library/fines", params={"card": number}, headers=headers)


def pay_fines(
    client: TestClient,
    headers: Headers,
    qr: str,
    chosen: list[tuple[str, int]],
    *,
    key: str | None = None,
) -> Any:
    body = {"qr": qr, "fines": [{"library_fee_id": f, "amount_cents": c} for f, c in chosen]}
    return client.post("/v1/library/fines/payments", json=body, headers=with_key(headers, key))


def charge_fine(
    client: TestClient, headers: Headers, qr: str, fee_id: str, cents: int, **extra: Any
) -> Any:
    body = {
        "qr": qr,
        "amount_cents": cents,
        "purpose": "library_fine",
        "reference": fee_id,
        "library_fee_id": fee_id,
        **extra,
    }
    return client.post("/v1/charges", json=body, headers=with_key(headers))


def report(client: TestClient, headers: Headers, **params: str) -> dict[str, Any]:
    response = client.get("/v1/library/reconciliation", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_books_agree(library: TestLibrary, ours: dict[str, Any]) -> None:
    """`ledger check` holds; every payment we call accepted is booked at the library under its
    receipt number exactly once (or is listed as sent more than once), and nothing we call
    pending or refused is booked there."""
    assert resident_id("ledger", "check").startswith("ledger holds")
    booked = Counter(b.transaction_id for b in library.booked())
    twice = {p["receipt_number"] for p in ours["sent_more_than_once"]}
    for payment in ours["payments"]:
        times = booked[payment["receipt_number"]]
        if payment["status"] == "accepted":
            assert times == 1 or (times > 1 and payment["receipt_number"] in twice), payment
        else:
            assert times == 0, payment
    assert set(booked) <= {p["receipt_number"] for p in ours["payments"]}
