"""Alembic environment: the URL comes from the caller (app.migrate) or the settings."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from app.config import settings
from app.db import create_db_engine
from app.kit.types import UTCDateTime
from app.models import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or settings.database_url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Revisions must not import app code that may change later: UTC columns are plain timestamptz.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration copies a table, drops the original and renames the copy; with foreign
        # keys enforced, the drop fails as soon as another table's rows point at it (Alembic's
        # "Dealing with Referencing Tables"). The pragma only takes effect outside a transaction,
        # so it goes to the driver's connection before Alembic begins one.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        _migrate(connection)
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows whose references break: {broken[:5]}")
    finally:
        if sqlite:
            connection.rollback()  # end the check's read before the pragma can take effect
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
