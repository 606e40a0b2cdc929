"""Concurrent charges, loads and refunds: no negative balance, no lost update, no double spend,
no limit overrun, and never "database is locked".

The same scenarios run through the in-process client from many threads on both backends, and on
PostgreSQL also through a real server process with 50 and more requests in flight at once.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.audit.service import verify_chain
from app.config import settings
from app.db import session_factory
from app.payments.ledger import checks
from tests.support.http import Headers
from tests.support.ledger_http import (
    Client,
    Holder,
    MerchantKey,
    balance,
    charge,
    load,
    new_key,
    refund,
)
from tests.support.served import SERVE, serving

# Commits: concurrent requests from many threads, each on a connection of its own, and a served app.
pytestmark = pytest.mark.commits


def at_once(count: int, call: Callable[[int], httpx2.Response]) -> list[httpx2.Response]:
    """Fire `count` calls from as many threads, released together."""
    start = threading.Barrier(count)

    def fire(index: int) -> httpx2.Response:
        start.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fire, range(count)))


def statuses(responses: list[httpx2.Response]) -> Counter[int]:
    for response in responses:
        assert response.status_code < 500, response.text
        assert "database is locked" not in response.text
    return Counter(response.status_code for response in responses)


def assert_books_hold() -> None:
    """The ledger balances, and the audit chain every one of those writes appended to at once
    (on PostgreSQL, each link computed by the database under the head's lock) is unbroken."""
    with session_factory()(expire_on_commit=True) as session:
        report = checks.check(session)
        chain = verify_chain(session)
    assert report.problems == []
    assert report.debits_cents == report.credits_cents > 0
    assert chain.ok, chain
    assert chain.checked > 0


def many_charges_on_one_card(
    client: Client, clerk: Headers, merchant: MerchantKey, holder: Holder, count: int
) -> None:
    assert load(client, clerk, holder.number, 100 * (count // 2)).status_code == 201
    responses = at_once(count, lambda _: charge(client, merchant.headers, holder.qr, 100))
    assert statuses(responses) == {201: count // 2, 402: count - count // 2}
    # Each success saw its own balance: every value from 0 to the first balance less one charge.
    seen = sorted(r.json()["balance_cents"] for r in responses if r.status_code == 201)
    assert seen == [100 * i for i in range(count // 2)]
    assert balance(client, clerk, holder.number) == 0
    assert_books_hold()


def daily_limit_under_fire(
    client: Client, clerk: Headers, merchant: MerchantKey, holder: Holder, count: int
) -> None:
    limit = settings.daily_spend_limit_cents
    assert load(client, clerk, holder.number, settings.balance_cap_cents).status_code == 201
    amount = limit // (count - 10)
    responses = at_once(count, lambda _: charge(client, merchant.headers, holder.qr, amount))
    allowed = limit // amount
    assert statuses(responses) == {201: allowed, 402: count - allowed}
    assert {r.json()["error"] for r in responses if r.status_code == 402} == {
        "DailySpendLimitReached"
    }
    remaining = balance(client, clerk, holder.number)
    assert remaining == settings.balance_cap_cents - allowed * amount
    assert_books_hold()


def loads_up_to_the_cap(client: Client, clerk: Headers, holder: Holder, count: int) -> None:
    amount = settings.balance_cap_cents // (count - 10)
    responses = at_once(count, lambda _: load(client, clerk, holder.number, amount))
    fit = settings.balance_cap_cents // amount
    assert statuses(responses) == {201: fit, 409: count - fit}
    assert balance(client, clerk, holder.number) == fit * amount
    assert_books_hold()


def refunds_of_one_charge(
    client: Client, clerk: Headers, merchant: MerchantKey, holder: Holder, count: int
) -> None:
    assert load(client, clerk, holder.number, 2000).status_code == 201
    charged = charge(client, merchant.headers, holder.qr, 1000)
    assert charged.status_code == 201
    responses = at_once(
        count, lambda _: refund(client, merchant.headers, charged.json()["id"], 100)
    )
    assert statuses(responses) == {201: 10, 409: count - 10}
    assert sorted(r.json()["refundable_cents"] for r in responses if r.status_code == 201) == [
        100 * i for i in range(10)
    ]
    assert balance(client, clerk, holder.number) == 2000
    assert_books_hold()


def one_key_many_retries(
    client: Client, clerk: Headers, merchant: MerchantKey, holder: Holder, count: int
) -> None:
    assert load(client, clerk, holder.number, 1000).status_code == 201
    key = new_key()
    responses = at_once(count, lambda _: charge(client, merchant.headers, holder.qr, 300, key=key))
    assert statuses(responses) == {201: count}
    assert len({r.json()["id"] for r in responses}) == 1
    assert balance(client, clerk, holder.number) == 700
    assert_books_hold()


def charges_across_cards(
    client: Client, clerk: Headers, merchant: MerchantKey, holders: list[Holder], count: int
) -> None:
    for holder in holders:
        assert load(client, clerk, holder.number, 1000).status_code == 201
    responses = at_once(
        count, lambda i: charge(client, merchant.headers, holders[i % len(holders)].qr, 250)
    )
    assert statuses(responses) == {201: 4 * len(holders), 402: count - 4 * len(holders)}
    for holder in holders:
        assert balance(client, clerk, holder.number) == 0
    assert_books_hold()


# In-process, on both backends (SQLite's single writer queues the threads; none is refused).

THREADS = 24


def test_charges_on_one_card_in_process(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    many_charges_on_one_card(client, clerk, library, holder, THREADS)


def test_loads_and_refunds_in_process(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    new_holder: Callable[[], Holder],
) -> None:
    loads_up_to_the_cap(client, clerk, new_holder(), THREADS)
    refunds_of_one_charge(client, clerk, library, new_holder(), THREADS)


def test_retries_with_one_key_in_process(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    one_key_many_retries(client, clerk, library, holder, THREADS)


def test_the_daily_limit_in_process(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    daily_limit_under_fire(client, clerk, library, holder, THREADS)


# Through a real server on PostgreSQL, 50 and more requests at once.

IN_FLIGHT = 60


@pytest.fixture(scope="module")
def server(database_url: str, data_dir: Path) -> Iterator[httpx2.Client]:
    env = {**os.environ, "DATABASE_URL": database_url, "RESIDENT_ID_DATA_DIR": str(data_dir)}
    limits = httpx2.Limits(max_connections=IN_FLIGHT + 10, max_keepalive_connections=IN_FLIGHT)
    with (
        serving(SERVE, env, tracebacks_fail=False) as served,
        httpx2.Client(base_url=served.url, limits=limits, timeout=60) as http,
    ):
        yield http


@pytest.mark.postgres
def test_many_charges_on_one_card_through_the_server(
    server: httpx2.Client, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    many_charges_on_one_card(server, clerk, library, holder, IN_FLIGHT)


@pytest.mark.postgres
def test_charges_across_cards_through_the_server(
    server: httpx2.Client,
    clerk: Headers,
    library: MerchantKey,
    new_holder: Callable[[], Holder],
) -> None:
    charges_across_cards(server, clerk, library, [new_holder() for _ in range(8)], IN_FLIGHT)


@pytest.mark.postgres
def test_loads_up_to_the_cap_through_the_server(
    server: httpx2.Client, clerk: Headers, holder: Holder
) -> None:
    loads_up_to_the_cap(server, clerk, holder, IN_FLIGHT)


@pytest.mark.postgres
def test_refunds_of_one_charge_through_the_server(
    server: httpx2.Client, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    refunds_of_one_charge(server, clerk, library, holder, IN_FLIGHT)


@pytest.mark.postgres
def test_one_key_retried_at_once_through_the_server(
    server: httpx2.Client, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    one_key_many_retries(server, clerk, library, holder, IN_FLIGHT)


@pytest.mark.postgres
def test_the_daily_limit_through_the_server(
    server: httpx2.Client, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    daily_limit_under_fire(server, clerk, library, holder, IN_FLIGHT)
