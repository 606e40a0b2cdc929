"""The loads' SQL: a load is written once and never changed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.payments.models import Load


def add(session: Session, load: Load) -> None:
    session.add(load)
    session.flush()
