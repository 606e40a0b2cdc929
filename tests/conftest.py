"""The test database is built by running the migrations, once per run, on SQLite by default or on
PostgreSQL when RESIDENT_ID_TEST_DATABASE_URL points at a server (a fresh database is created for
the run and dropped after). Every test starts from empty tables.

A test runs inside one transaction that is rolled back when it ends: every session the app or the
test makes joins it through a savepoint (app.db.sessions_joining), so a request's commit and
rollback behave as they do in production, but nothing outlives the test. Tests that need work
really committed, because another connection or process must see it (the command in a subprocess,
a served app, the browser, concurrency on PostgreSQL), or because they test what a real
transaction does (the write lock, read-only reads, work that must survive a rolled-back request),
are marked `commits` (or use `cli_env`, or are `postgres`, `browser` or `contract` tests); the
tables are emptied after those.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.http import Headers, Login

_TMP = Path(tempfile.mkdtemp(prefix="resident-id-tests-"))
_ADMIN_URL = os.environ.get("RESIDENT_ID_TEST_DATABASE_URL", "")
if _ADMIN_URL:
    import sqlalchemy as _sa

    # Not app.db.normalize_url: importing app now would read the settings before we set them.
    _ADMIN_URL = _ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    _DB_NAME = f"resident_id_test_{os.getpid()}_{secrets.token_hex(3)}"
    _admin = _sa.create_engine(_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with _admin.connect() as _c:
        _c.exec_driver_sql(f'CREATE DATABASE "{_DB_NAME}"')
    TEST_DATABASE_URL = str(
        _sa.make_url(_ADMIN_URL).set(database=_DB_NAME).render_as_string(hide_password=False)
    )
else:
    TEST_DATABASE_URL = f"sqlite:///{_TMP / 'test.sqlite3'}"

# Before any app import: settings are read once.
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["RESIDENT_ID_DATA_DIR"] = str(_TMP / "data")
os.environ["RESIDENT_ID_SECRET_KEY"] = "test-secret-" + secrets.token_hex(16)
# A server a test starts runs one process (on PostgreSQL the default is one per core) unless the
# test asks for more: a test that SIGKILLs it must not leave worker processes behind.
os.environ["RESIDENT_ID_WORKERS"] = "1"

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import migrate  # noqa: E402
from app.auth.service import issue_token  # noqa: E402
from app.changes import caches  # noqa: E402
from app.db import get_engine, is_sqlite, sessions_joining  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import metadata  # noqa: E402
from tests.support.builders import make_user, reading_session  # noqa: E402

ON_POSTGRES = not is_sqlite(TEST_DATABASE_URL)


def pytest_configure(config: pytest.Config) -> None:
    migrate.upgrade(TEST_DATABASE_URL)


def pytest_unconfigure(config: pytest.Config) -> None:
    get_engine().dispose()
    if ON_POSTGRES:
        with _admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{_DB_NAME}" WITH (FORCE)')
        _admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="concurrency tests run on PostgreSQL (.ci/run runs them there)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip)


def _empty_tables() -> None:
    tables = [t for t in metadata.sorted_tables if t.name != "audit_head"]
    with get_engine().begin() as conn:
        if ON_POSTGRES:
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
        conn.execute(
            sa.text("UPDATE audit_head SET seq = 0, hash = :h WHERE id = 1"), {"h": "0" * 64}
        )


# A test that uses one of these fixtures reaches the database from another process: the command,
# or a served app (every test module's `server` fixture runs one).
_COMMITTING_FIXTURES = {"cli_env", "server"}
_COMMITTING_MARKS = {"commits", "postgres", "browser", "contract"}


def _commits(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & _COMMITTING_FIXTURES) or any(
        item.get_closest_marker(name) for name in _COMMITTING_MARKS
    )


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    # A worker's caches (merchant keys, published keys) would outlive a rolled-back test.
    caches.forget_all()
    try:
        if _commits(request.node):
            yield
            _empty_tables()
            return
        with get_engine().connect() as connection:
            outer = connection.begin()
            try:
                with sessions_joining(connection):
                    yield
            finally:
                outer.rollback()
    finally:
        caches.forget_all()


@pytest.fixture(scope="session")
def database_url() -> str:
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _TMP / "data"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """The test's own look at the database: within the test's transaction, or, for a test that
    commits, at committed work without holding SQLite's write lock (reading_session)."""
    yield from reading_session(database_url)


@pytest.fixture
def login() -> Login:
    """`login("clerk")` makes a staff account with that role and answers its auth headers."""

    def _login(role: str, *, branch: str = "city-hall") -> Headers:
        token, _ = issue_token(make_user(role, branch=branch))
        return {"Authorization": f"Bearer {token}"}

    return _login


@pytest.fixture
def cli_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment for running the `resident-id` command in a subprocess against the test DB."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "RESIDENT_ID_DATA_DIR": str(data_dir)})
    return env
