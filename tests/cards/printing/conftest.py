"""What the print queue's tests share: a reading session, the city's signing key, and CUPS's
printer simulator for the station that prints from the queue."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.keys.service import ensure_signing_key
from tests.support.ipp_printer import ipp_printer  # noqa: F401  (a fixture, found by name)


@pytest.fixture
def signing_key(session: Session) -> None:
    """PDFs carry a signed QR: the city needs a signing key first."""
    ensure_signing_key(session)
    session.commit()
