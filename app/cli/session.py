"""A database session for one command: committed when the block ends, rolled back on error.

A command that needs the database and finds none says so in one line and exits
EXIT_NO_DATABASE: it never creates an empty SQLite file where it was run (the default URL is
relative) and never prints the traceback of the first query on a missing schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cli.output import EXIT_NO_DATABASE, fail
from app.config import settings
from app.db import normalize_url, reading_session_factory, session_factory

_checked: set[str] = set()


def _shown(url: str) -> str:
    return sa.make_url(normalize_url(url)).render_as_string(hide_password=True)


def require_database() -> None:
    """Fail in one line unless the configured database exists, answers and has a schema."""
    url = settings.database_url
    if url in _checked:
        return
    hint = "run `resident-id db upgrade` or set DATABASE_URL"
    parsed = sa.make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        name = parsed.database or ""
        if name and name != ":memory:" and not name.startswith("file:"):
            path = Path(name).resolve()
            if not path.is_file():
                fail(f"no database at {_shown(url)} ({path}): {hint}", EXIT_NO_DATABASE)
    try:
        # A read-only transaction: the check neither takes nor waits for SQLite's write lock.
        with reading_session_factory()() as reader:
            migrated = sa.inspect(reader.connection()).has_table("alembic_version")
    except sa.exc.SQLAlchemyError as exc:
        cause = str(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).splitlines()
        fail(
            f"cannot open the database at {_shown(url)}: {cause[0] if cause else type(exc).__name__}",
            EXIT_NO_DATABASE,
        )
    if not migrated:
        fail(f"the database at {_shown(url)} has no schema: {hint}", EXIT_NO_DATABASE)
    _checked.add(url)


@contextmanager
def command_session() -> Iterator[Session]:
    require_database()
    with session_factory()() as session, session.begin():
        yield session
