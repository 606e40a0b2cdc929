"""The money path's statements, run in the request's transaction on its driver connection.

A charge runs about ten statements, each built once (module constants, cached builders). Through
`Session.execute` each one paid for SQLAlchemy's execution context, cache lookup and result
wrapping, about twice what psycopg itself spends on it (py-spy, bench/charges.py): here the
statement is compiled once per dialect and handed to psycopg as it stands, prepared on the
server, and its rows come back as the driver's tuples. The session still owns the transaction:
the statement runs on the connection the session began (and, in a test's joined transaction, in
its savepoint), and the session's pending objects are flushed first, as `execute` would.

What psycopg is given is what `Session.execute` gave it for these statements, but for their
timestamps: `UTCDateTime` would turn an aware datetime to UTC first, which a timestamptz column
does not need. Their columns carry no type that converts on the way out. SQLite is not where these statements are hot,
so there they go through `Session.execute` and come back as plain tuples too.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session

# A statement's rows, read whole, and its bound values by name.
Rows = list[tuple[Any, ...]]
Values = dict[str, Any]


def rows(session: Session, statement: sa.Executable, values: Values) -> Rows:
    """Run `statement` in the session's transaction: its rows (none for a plain write)."""
    session.flush()  # a no-op unless objects were added since the last statement
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        result = connection.execute(statement, values)
        return [tuple(row) for row in result] if result.returns_rows else []
    sql, defaults = compiled(statement, connection.dialect)
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        cursor = driver.execute(sql, {**defaults, **values}, prepare=True)
        return cursor.fetchall() if cursor.description is not None else []
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it (IntegrityError, OperationalError, ...), values hidden.
        raise sa.exc.DBAPIError.instance(
            sql, None, exc, psycopg.Error, hide_parameters=True, dialect=connection.dialect
        ) from exc


def first(session: Session, statement: sa.Executable, values: Values) -> tuple[Any, ...] | None:
    """The statement's first row, or None."""
    found = rows(session, statement, values)
    return found[0] if found else None


@lru_cache(maxsize=64)
def compiled(statement: sa.Executable, dialect: sa.Dialect) -> tuple[str, Values]:
    """The statement's SQL for the driver, and its values bound at build time. Hot statements
    are built once (module constants, cached builders), so this runs once for each (here and in
    app.statements, the async hot paths)."""
    done = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    return str(done), dict(done.params)
