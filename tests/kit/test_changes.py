"""The per-worker caches of what rarely changes (app.changes): what they keep, how long, and that
a change announced in a committed transaction empties them within a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa

from app.changes import caches
from app.changes import repository as changes_repository
from app.changes.listener import listening
from app.db import write_transaction
from tests.support.served import SERVE, serving

TOPIC = "test_topic"


@pytest.fixture
def cache() -> Iterator[caches.Cache[str, str]]:
    made: caches.Cache[str, str] = caches.Cache(TOPIC)
    yield made
    made.clear()


def test_a_value_read_before_a_change_is_not_kept_after_it(cache: caches.Cache[str, str]) -> None:
    before = cache.generation
    caches.forget(TOPIC)  # a change lands while the value was being read

    cache.put("key", "old", before)

    assert cache.get("key") is None
    cache.put("key", "new", cache.generation)
    assert cache.get("key") == "new"


def test_a_value_is_read_once_and_an_unknown_one_every_time(
    cache: caches.Cache[str, str],
) -> None:
    reads: list[str] = []

    def read(key: str) -> str | None:
        reads.append(key)
        return None if key == "unknown" else key.upper()

    assert [cache.through("known", lambda: read("known")) for _ in range(3)] == ["KNOWN"] * 3
    assert [cache.through("unknown", lambda: read("unknown")) for _ in range(2)] == [None, None]
    assert reads == ["known", "unknown", "unknown"]


def test_requests_missing_one_key_at_once_share_one_read(cache: caches.Cache[str, str]) -> None:
    reads: list[str] = []

    def read() -> str:
        reads.append("read")
        time.sleep(0.05)
        return "value"

    async def burst() -> list[str | None]:
        return list(await asyncio.gather(*(cache.through_thread("k", read) for _ in range(30))))

    assert asyncio.run(burst()) == ["value"] * 30
    assert reads == ["read"]


def test_a_change_during_a_shared_read_starts_a_new_read_for_later_requests(
    cache: caches.Cache[str, str],
) -> None:
    answers = iter(["before the change", "after the change"])

    def read() -> str:
        time.sleep(0.05)
        return next(answers)

    async def around_a_change() -> tuple[str | None, str | None]:
        early = asyncio.ensure_future(cache.through_thread("k", read))
        await asyncio.sleep(0.01)  # the early read is under way
        caches.forget(TOPIC)
        late = await cache.through_thread("k", read)
        return await early, late

    early, late = asyncio.run(around_a_change())
    assert (early, late) == ("before the change", "after the change")
    # What was read before the change is not kept; what was read after it is.
    assert cache.get("k") == "after the change"


def test_without_a_listener_an_entry_lives_a_second(
    cache: caches.Cache[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not caches.hearing.on
    monkeypatch.setattr(caches, "UNHEARD_TTL", 0.2)
    cache.put("key", "value", cache.generation)
    assert cache.get("key") == "value"

    time.sleep(0.3)

    assert cache.get("key") is None


def test_an_announced_change_empties_the_cache_when_it_commits(
    cache: caches.Cache[str, str],
) -> None:
    cache.put("key", "value", cache.generation)
    with write_transaction() as session:
        caches.announce(session, TOPIC)
        cache.put("key", "read inside the change", cache.generation)
    assert cache.get("key") is None


@pytest.mark.postgres
def test_a_change_committed_elsewhere_reaches_a_listening_worker_within_a_second(
    cache: caches.Cache[str, str], database_url: str
) -> None:
    with listening(database_url):
        deadline = time.monotonic() + 10
        while not caches.hearing.on:
            assert time.monotonic() < deadline, "the listener did not connect"
            time.sleep(0.05)
        cache.put("key", "value", cache.generation)
        time.sleep(caches.UNHEARD_TTL + 0.1)
        assert cache.get("key") == "value"  # heard, an entry lives a minute unless told
        # As another worker announces it: NOTIFY alone, nothing forgotten in this process.
        with write_transaction() as session:
            changes_repository.notify(session, TOPIC)
        deadline = time.monotonic() + 1.0
        while cache.get("key") is not None:
            assert time.monotonic() < deadline, "the change was not heard within a second"
            time.sleep(0.01)


@pytest.mark.postgres
def test_a_served_worker_listens_where_the_listen_setting_points(
    cli_env: dict[str, str], database_url: str
) -> None:
    """Behind a transaction-mode PgBouncer the listener needs a session of its own elsewhere:
    RESIDENT_ID_LISTEN_DATABASE_URL points it there (here: the same server, named apart)."""
    probe = "resident-id-listener-probe"
    listen_url = sa.make_url(database_url).update_query_dict({"application_name": probe})
    env = {
        **cli_env,
        "RESIDENT_ID_LISTEN_DATABASE_URL": listen_url.render_as_string(hide_password=False),
    }
    conninfo = sa.make_url(database_url).set(drivername="postgresql")
    with (
        serving(SERVE, env),
        psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as watcher,
    ):
        deadline = time.monotonic() + 30
        while True:
            listening_there = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = %s AND query LIKE 'LISTEN%%'",
                (probe,),
            ).fetchone()
            if listening_there == (1,):
                break
            assert time.monotonic() < deadline, "no worker listened through the listen setting"
            time.sleep(0.1)
