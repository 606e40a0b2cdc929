"""`resident-id ledger check` proves the books and fails on a corrupted one; `ledger rollup`
replaces old detail by totals and leaves the books provably whole."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.support.http import Headers
from tests.support.ledger_http import (
    Holder,
    MerchantKey,
    balance,
    charge,
    ledger_check,
    load,
    refund,
)

pytestmark = pytest.mark.slow


def rollup(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [".venv/bin/resident-id", "ledger", "rollup", *args],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )


def execute(session: Session, sql: str) -> None:
    session.execute(sa.text(sql))
    session.commit()


@pytest.fixture
def busy_books(client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder) -> Holder:
    """A card loaded twice, charged twice, one charge partly refunded."""
    load(client, clerk, holder.number, 3000)
    load(client, clerk, holder.number, 1000)
    fine = charge(client, library.headers, holder.qr, 800).json()
    charge(client, library.headers, holder.qr, 200, purpose="other")
    refund(client, library.headers, fine["id"], 300)
    return holder


def test_check_passes_on_sound_books(cli_env: dict[str, str], busy_books: Holder) -> None:
    done = ledger_check(cli_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger holds" in done.stdout


def test_a_corrupted_cached_balance_fails_the_check(
    cli_env: dict[str, str], busy_books: Holder, session: Session
) -> None:
    execute(
        session,
        "UPDATE ledger_accounts SET balance_cents = balance_cents + 1 WHERE kind = 'stored_value'",
    )
    done = ledger_check(cli_env)
    assert done.returncode == 1
    assert "cached balance 3301 != entries 3300" in done.stdout


def test_an_unbalanced_transfer_fails_the_check(
    cli_env: dict[str, str], busy_books: Holder, session: Session
) -> None:
    execute(
        session,
        "UPDATE ledger_entries SET amount_cents = amount_cents + 5 "
        "WHERE id = (SELECT MIN(id) FROM ledger_entries WHERE side = 'debit')",
    )
    done = ledger_check(cli_env)
    assert done.returncode == 1
    assert "debits" in done.stdout
    assert "!= credits" in done.stdout


def test_a_refund_total_that_disagrees_fails_the_check(
    cli_env: dict[str, str], busy_books: Holder, session: Session
) -> None:
    execute(session, "UPDATE charges SET refunded_cents = 0")
    done = ledger_check(cli_env)
    assert done.returncode == 1
    assert "refunded 0 recorded, 300 in refunds" in done.stdout


def test_every_other_kind_of_break_is_reported(
    cli_env: dict[str, str], busy_books: Holder, session: Session
) -> None:
    """The breaks the tests above leave out, made at once: each is reported on its own line."""
    # A transfer whose entries balance but disagree with the amount recorded on it.
    execute(session, "UPDATE ledger_transfers SET amount_cents = 301 WHERE kind = 'refund'")
    # A transfer with no entries at all.
    execute(
        session,
        "INSERT INTO ledger_transfers (id, kind, amount_cents, at)"
        " VALUES ('no-entries', 'load', 500, CURRENT_TIMESTAMP)",
    )
    # The fine's two entries swap sides: still balanced, but the merchant's payable, summed from
    # its entries (800 credit, 200 credit, 300 debit before), is now 900 below zero.
    execute(
        session,
        "UPDATE ledger_entries SET side = CASE side WHEN 'debit' THEN 'credit' ELSE 'debit' END"
        " WHERE transfer_id = (SELECT transfer_id FROM charges WHERE amount_cents = 800)",
    )
    # A summed account (the payable) that caches a balance, and an account of no known kind.
    execute(session, "UPDATE ledger_accounts SET balance_cents = 0 WHERE kind = 'payable'")
    execute(session, "UPDATE ledger_accounts SET kind = 'mystery' WHERE kind = 'drawer'")

    done = ledger_check(cli_env)

    assert done.returncode == 1
    lines = done.stdout.splitlines()

    def reported(start: str, end: str) -> bool:
        return any(line.startswith(f"- {start}") and line.endswith(end) for line in lines)

    assert reported("transfer ", "(refund): entries total 300, recorded 301")
    assert "- transfer no-entries (load): entries total 0, recorded 500" in lines
    assert reported("payable account ", "is negative: -900")
    assert reported("payable account ", "caches a balance it must not")
    assert reported("payable account ", "cached balance 0 != entries -900")
    assert reported("account ", "has an unknown kind 'mystery'")


def test_rollup_replaces_old_detail_by_totals_and_keeps_the_books(
    client: TestClient,
    cli_env: dict[str, str],
    clerk: Headers,
    library: MerchantKey,
    holder: Holder,
    session: Session,
    login: Callable[..., Headers],
) -> None:
    load(client, clerk, holder.number, 3000)
    old_fine = charge(client, library.headers, holder.qr, 800).json()
    # What happened so far is made two years old; what follows happens now.
    two_years_back = (
        "at - INTERVAL '730 days'" if _postgres(session) else "datetime(at, '-730 days')"
    )
    for table in ("ledger_transfers", "loads", "charges"):
        execute(session, f"UPDATE {table} SET at = {two_years_back}")
    refund(client, library.headers, old_fine["id"], 100)
    load(client, clerk, holder.number, 500)

    done = rollup(cli_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rolled up 2 transfers" in done.stdout
    checked = ledger_check(cli_env)
    assert checked.returncode == 0, checked.stdout

    assert balance(client, clerk, holder.number) == 2800
    statement = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk).json()
    lines = [
        (line["kind"], line["amount_cents"], line["balance_after_cents"])
        for line in statement["lines"]
    ]
    # One rollup for the month: the holder's total credits and total debits in it.
    assert lines == [
        ("load", 500, 2800),
        ("refund", 100, 2300),
        ("rollup", -800, 2200),
        ("rollup", 3000, 3000),
    ]
    # The old charge's detail is gone: merchant, purpose and reference no longer exist for it.
    assert all(
        line["merchant_name"] is None for line in statement["lines"] if line["kind"] == "rollup"
    )
    assert refund(client, library.headers, old_fine["id"], 100).status_code == 404
    # The merchant is still owed what it was: totals survive the detail.
    today = client.get("/v1/settlements/mine", headers=library.headers).json()
    assert today["payable_balance_cents"] == 700
    again = rollup(cli_env)
    assert "rolled up 0 transfers" in again.stdout


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_rollup_refuses_broken_books(
    cli_env: dict[str, str], busy_books: Holder, session: Session
) -> None:
    execute(session, "UPDATE ledger_accounts SET balance_cents = 7 WHERE kind = 'drawer'")
    done = rollup(cli_env, "--before", (date.today() + timedelta(days=2)).isoformat())
    assert done.returncode == 1
    # Errors are one line on stderr (issue 13).
    assert "does not hold" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_rollup_of_everything_leaves_balances_and_a_sound_ledger(
    client: TestClient, cli_env: dict[str, str], clerk: Headers, busy_books: Holder
) -> None:
    done = rollup(cli_env, "--before", (date.today() + timedelta(days=2)).isoformat())
    assert done.returncode == 0, done.stdout + done.stderr
    assert ledger_check(cli_env).returncode == 0
    assert balance(client, clerk, busy_books.number) == 3300
    kinds = {
        line["kind"]
        for line in client.get(f"/v1/cards/{busy_books.number}/transactions", headers=clerk).json()[
            "lines"
        ]
    }
    assert kinds == {"rollup"}


def test_rollup_takes_a_date_or_says_why_not(cli_env: dict[str, str]) -> None:
    done = rollup(cli_env, "--before", "last tuesday")
    assert done.returncode == 2
    assert "not a date" in done.stderr
    assert done.stdout == ""
