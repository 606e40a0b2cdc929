"""The change channel's SQL: NOTIFY in the changing transaction, LISTEN on a connection apart."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.orm import Session

CHANNEL = "resident_id_changes"


def notify(session: Session, topic: str) -> None:
    """Tell every listener `topic` changed, once this transaction commits (never if it rolls
    back). PostgreSQL only: the caller checks the dialect."""
    session.execute(sa.select(sa.func.pg_notify(CHANNEL, topic)))


def listen(url: str, timeout: float) -> Iterator[str | None]:
    """Topics as they are announced, and None every `timeout` seconds without one (so the
    caller can stop); raises when the connection is lost."""
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        yield None  # listening from here on: what changed before is dropped by the caller
        while True:
            got = False
            for notice in connection.notifies(timeout=timeout, stop_after=1):
                got = True
                yield notice.payload
            if not got:
                yield None
