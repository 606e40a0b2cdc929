"""Single statements for the hot paths, run without an ORM session.

A merchant's scan is answered with two statements: a take from the key's rate bucket and a read
of the card. Each is a transaction by itself (autocommit): the take is one atomic upsert, the
read needs no snapshot beyond its own statement, and neither holds a lock past its statement.

On PostgreSQL they run through an async engine's pool (psycopg's async driver), so the request
never waits for a worker thread, and on the driver's own connection: each statement is compiled
by SQLAlchemy once and runs as psycopg prepared it, with no compile, cache key or result
processing per run (the rows are the driver's: the caller converts what it must). A connection
lost under a statement (a restart, a failover) answers 503 and leaves the pool.

On SQLite they run without BEGIN IMMEDIATE: a read takes no lock and runs on the event loop, and
the take, in the thread pool, holds the write lock for its one statement only.

Tests that run in one rolled-back transaction (app.db.sessions_joining) run them on that
transaction, each in a savepoint, so the hot path sees what the test made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import psycopg
import sqlalchemy as sa
from anyio import CapacityLimiter, to_thread
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app import db, direct
from app.config import settings
from app.direct import Rows, Values
from app.kit.errors import DatabaseUnavailable

T = TypeVar("T")
# The hot paths' PostgreSQL connections, as pg_stat_activity names them.
APPLICATION = "resident-id hot paths"


class Statements(Protocol):
    """Where a hot path runs its statements; each is committed as it ends."""

    @property
    def dialect(self) -> str: ...

    async def run(self, statement: sa.Executable, values: Values | None = None) -> Rows: ...


class _Driver:
    def __init__(self, driver: psycopg.AsyncConnection[Any], dialect: sa.Dialect) -> None:
        self._driver = driver
        self._dialect = dialect
        self.dialect = dialect.name

    async def run(self, statement: sa.Executable, values: Values | None = None) -> Rows:
        sql, defaults = direct.compiled(statement, self._dialect)
        try:
            cursor = await self._driver.execute(sql, {**defaults, **(values or {})}, prepare=True)
            return await cursor.fetchall()
        except psycopg.OperationalError as exc:
            if not self._driver.broken:
                raise
            # The pool takes no ping before each use (a round trip a scan): a connection the
            # server dropped is found here instead, and statements() discards it.
            raise DatabaseUnavailable("the database connection was lost; retry") from exc


class _Joined:
    """A test's joined transaction (app.db.sessions_joining), driven from the thread pool as
    its sessions are; each statement in a savepoint, so a failed one leaves the test's intact."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self.dialect = connection.dialect.name

    def _execute(self, statement: sa.Executable, values: Values | None) -> Rows:
        with self._connection.begin_nested():
            return [tuple(row) for row in self._connection.execute(statement, values)]

    async def run(self, statement: sa.Executable, values: Values | None = None) -> Rows:
        return await to_thread.run_sync(self._execute, statement, values)


class _SQLite:
    """Reads on the event loop, on this process's one reading connection: in WAL mode a read
    never waits for a lock, and an indexed read takes microseconds. A write may wait for the
    write lock, so it runs in the thread pool, one at a time per process: SQLite's busy handler
    sleeps in steps of up to 100 ms, so writers of one process queue here instead."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.dialect = "sqlite"

    async def run(self, statement: sa.Executable, values: Values | None = None) -> Rows:
        if isinstance(statement, sa.Select):
            return _run_alone(_reader(self._url), statement, values)
        return await to_thread.run_sync(self._write, statement, values, limiter=_one_writer())

    def _write(self, statement: sa.Executable, values: Values | None) -> Rows:
        with _single_statement_engine(self._url).connect() as connection:
            return _run_alone(connection, statement, values)


@lru_cache(maxsize=1)
def _one_writer() -> CapacityLimiter:
    return CapacityLimiter(1)


def _run_alone(connection: sa.Connection, statement: sa.Executable, values: Values | None) -> Rows:
    rows = [tuple(row) for row in connection.execute(statement, values)]
    connection.commit()  # ends SQLAlchemy's transaction; SQLite's ended with the statement
    return rows


# Per process, per database; used only from the event loop's thread, one statement at a time.
_readers: dict[str, sa.Connection] = {}


def _reader(url: str) -> sa.Connection:
    reader = _readers.get(url)
    if reader is None or reader.closed or reader.invalidated:
        reader = _readers[url] = _single_statement_engine(url).connect()
    return reader


@lru_cache(maxsize=4)
def async_engine(url: str) -> AsyncEngine:
    # AUTOCOMMIT: every statement is its own transaction, with no BEGIN/COMMIT round trips.
    # synchronous_commit off: these connections write only rate buckets, whose last few
    # milliseconds a crash may lose (a key gets a few more requests, never money); without it,
    # every take from one key's bucket would wait for the previous one's WAL flush.
    return create_async_engine(
        db.normalize_url(url),
        # Named, so an operator (or a test) can tell these connections apart in pg_stat_activity.
        connect_args={"options": "-c synchronous_commit=off", "application_name": APPLICATION},
        isolation_level="AUTOCOMMIT",
        pool_size=20,
        max_overflow=20,
        hide_parameters=True,
    )


@lru_cache(maxsize=4)
def _single_statement_engine(url: str) -> sa.Engine:
    # SQLite's engine for single statements: no BEGIN, and no fsync per take (app.db).
    return db.create_db_engine(url, single_statements=True)


@asynccontextmanager
async def statements() -> AsyncIterator[Statements]:
    """A connection for one request's hot statements, back in its pool when the block ends."""
    joined = db.joined_connection()
    if joined is not None:
        yield _Joined(joined)
        return
    url = settings.database_url
    if db.is_sqlite(url):
        yield _SQLite(url)
        return
    async with async_engine(url).connect() as hot:
        pooled = await hot.get_raw_connection()
        driver = pooled.driver_connection
        assert isinstance(driver, psycopg.AsyncConnection)
        try:
            yield _Driver(driver, hot.dialect)
        finally:
            if driver.broken:
                await hot.invalidate()


async def in_thread(work: Callable[[], T]) -> T:
    """Work that needs an ORM session (a cache filled on a miss), off the event loop."""
    return await to_thread.run_sync(work)
