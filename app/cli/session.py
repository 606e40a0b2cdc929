"""A database session for one command: committed when the block ends, rolled back on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.db import session_factory


@contextmanager
def command_session() -> Iterator[Session]:
    with session_factory()() as session, session.begin():
        yield session
