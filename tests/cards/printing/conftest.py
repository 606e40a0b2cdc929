"""What the print queue's tests share: a reading session, the city's signing key, and CUPS's
printer simulator for the station that prints from the queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from app.keys.service import ensure_signing_key
from tests.support.builders import reading_session
from tests.support.ipp_printer import ipp_printer  # noqa: F401  (a fixture, found by name)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """Reads that never block the app's requests on SQLite (see reading_session)."""
    yield from reading_session(database_url)


@pytest.fixture
def signing_key(session: Session) -> None:
    """PDFs carry a signed QR: the city needs a signing key first."""
    ensure_signing_key(session)
    session.commit()
