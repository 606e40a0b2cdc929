"""The test database is built by running the migrations, once per run, on SQLite by default or on
PostgreSQL when RESIDENT_ID_TEST_DATABASE_URL points at a server (a fresh database is created for
the run and dropped after). Every test starts from empty tables.

Tests commit for real (requests own their transactions, the CLI runs in a subprocess, concurrency
tests need many connections), so isolation is by emptying the tables after each test.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.support.http import Headers

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
from app.db import get_engine, is_sqlite  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import metadata  # noqa: E402
from tests.support.builders import make_user  # noqa: E402

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


@pytest.fixture(autouse=True)
def _clean_database() -> Iterator[None]:
    yield
    _empty_tables()


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
def session() -> Iterator[Session]:
    """A plain session for looking at the database directly (committed work only)."""
    with Session(get_engine()) as s:
        yield s


@pytest.fixture
def login() -> Callable[..., Headers]:
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
