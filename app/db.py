"""Engine, the Model base and the per-request session that owns the transaction."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.config import settings

# Stable constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return normalize_url(url).startswith("sqlite")


# An execution option on the engine a session is bound to: its transactions only read. On SQLite
# they begin DEFERRED (no write lock: a reader never waits behind a writer, nor a writer behind it)
# with PRAGMA query_only, on PostgreSQL READ ONLY; on both a write in one is refused, not queued.
READ_ONLY = "resident_id_read_only"


def create_owner_only(path: Path) -> None:
    """Create a file readable by its owner only (and missing directories likewise, 0700) unless it
    exists. SQLite creates its -wal and -shm files with the database file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_file(url: str) -> Path | None:
    database = sa.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_db_engine(url: str, *, single_statements: bool = False) -> Engine:
    """The engine of the sessions (or, with `single_statements`, SQLite's engine for the hot
    paths' statements, app.statements: each its own transaction, no BEGIN)."""
    url = normalize_url(url)
    if not is_sqlite(url):
        return _postgres_engine(url)
    return _sqlite_engine(url, single_statements=single_statements)


def _postgres_engine(url: str) -> Engine:
    engine = sa.create_engine(
        url, pool_size=20, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )

    @event.listens_for(engine, "begin")
    def _on_pg_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # psycopg begins the transaction implicitly with this, its first statement.
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


def _sqlite_engine(url: str, *, single_statements: bool) -> Engine:
    database_file = _sqlite_file(url)
    if database_file is not None:
        create_owner_only(database_file)
    # hide_parameters: SQL logs and errors never show the values (names, addresses) bound in.
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); pysqlite's implicit transactions would defer it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if single_statements:
            # These connections write only rate buckets: a power cut may lose the last few
            # takes (never money), and a take need not wait for an fsync (WAL keeps the file
            # consistent either way).
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if single_statements:
        return engine  # no BEGIN: each statement is a transaction of its own

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("PRAGMA query_only = ON")
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        # SQLite has one writer. A deferred transaction that reads and then writes can fail at
        # once with "database is locked" when another writer got there first; BEGIN IMMEDIATE
        # takes the write lock up front, so a second writer waits (busy_timeout) instead.
        conn.exec_driver_sql("PRAGMA query_only = OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    return create_db_engine(url or settings.database_url)


# Tests that need no committed transaction run inside one they roll back: every session made
# here then joins that connection's transaction, each through a savepoint of its own (SQLAlchemy's
# "joining a Session into an external transaction" recipe). Nothing else sets it.
_joined: sa.Connection | None = None


@contextmanager
def sessions_joining(connection: sa.Connection) -> Iterator[None]:
    """Within the block, every session session_factory() makes joins `connection`'s transaction:
    its commit releases a savepoint, its rollback rolls back to one."""
    global _joined
    before, _joined = _joined, connection
    try:
        yield
    finally:
        _joined = before


def joined() -> bool:
    return _joined is not None


def joined_connection() -> sa.Connection | None:
    """The test's transaction that sessions join, if any (see sessions_joining)."""
    return _joined


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    if engine is None and _joined is not None:
        return sessionmaker(
            bind=_joined, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
    return _sessions_of(engine or get_engine())


@lru_cache(maxsize=8)
def _sessions_of(engine: Engine) -> sessionmaker[Session]:
    # One per engine: a sessionmaker makes a Session subclass, and setting up a class's event
    # dispatch on every request cost a charge about 3% of its CPU.
    return sessionmaker(bind=engine, expire_on_commit=False)


@lru_cache(maxsize=4)
def _reading_engine(url: str | None = None) -> Engine:
    # Shares the engine's pool; only the way its transactions begin differs.
    return get_engine(url).execution_options(**{READ_ONLY: True})


def reading_session_factory() -> sessionmaker[Session]:
    """Sessions whose transactions only read: they never take (nor wait for) SQLite's write lock."""
    if _joined is not None:
        return session_factory()  # a savepoint cannot change its transaction's access mode
    return session_factory(_reading_engine())


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A short transaction of its own, committed when the block ends (rolled back on error)."""
    with session_factory()() as session, session.begin():
        yield session


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_MODE = "_resident_id_transaction"


def writes(endpoint: Endpoint) -> Endpoint:
    """Mark a GET endpoint that writes (it folds counts): its request gets a writing transaction
    like a POST's. Without the mark a GET's transaction is read-only (audited reads still work:
    the audit trail writes their events in a short transaction of its own)."""
    setattr(endpoint, _MODE, "write")
    return endpoint


def reads(endpoint: Endpoint) -> Endpoint:
    """Mark a POST endpoint whose request transaction only reads, because what it writes must
    happen in short transactions of its own (sign-in: the slow password check may hold no lock,
    and a failed attempt is counted even though the request fails)."""
    setattr(endpoint, _MODE, "read")
    return endpoint


def _reads_only(request: Request) -> bool:
    mode = getattr(request.scope.get("endpoint"), _MODE, None)
    if mode is not None:
        return bool(mode == "read")
    return request.method in ("GET", "HEAD")


def get_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the endpoint returns, rolled back on any error.
    GET and HEAD read only (unless marked @writes), so they never queue behind a writer; other
    methods write (unless marked @reads)."""
    factory = reading_session_factory() if _reads_only(request) else session_factory()
    with _committed(factory) as session:
        yield session


@contextmanager
def _committed(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction commits when the block ends, or rolls back on any error."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


Result = TypeVar("Result")


def _run_transaction(work: Callable[[Session], Result]) -> Result:
    with _committed(session_factory()) as session:
        return work(session)


# Charges in a worker thread at once, per process; the others wait their turn in arrival order.
# A few keep the interpreter busy while others wait on PostgreSQL. With a thread per request (16
# clients, bench/charges.py's HTTP part) they took turns on the GIL mid-transaction, so each
# charge waited for all the others and held its card's lock meanwhile: p99 180 ms spread over
# cards and 303 ms on one card, against 92-129 ms with two. On a faster VM (GET /healthz
# 1,600/s against 1,000/s) three gave 278-294/s, p99 67-78 ms, and two 196-261/s, p99 75-95 ms
# (benchmarks.md, "Three money threads"); four was no better than three.
MONEY_THREADS = 3
_money_threads: RunVar[anyio.CapacityLimiter] = RunVar("resident_id_money_threads")


async def in_one_thread(work: Callable[[Session], Result]) -> Result:
    """A money-moving request's transaction: `work` and its commit in one worker thread.

    With SessionDep, FastAPI opens the session, runs the endpoint and commits each in a worker
    thread of its own, with the event loop in between: two more hops per charge, the last of
    them while the charge holds its card's row lock."""
    try:
        limiter = _money_threads.get()
    except LookupError:  # the event loop's first charge
        limiter = anyio.CapacityLimiter(MONEY_THREADS)
        _money_threads.set(limiter)
    return await anyio.to_thread.run_sync(_run_transaction, work, limiter=limiter)


# scope="function": commit before the response is sent, so a client never sees a success
# for a transaction that did not commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
