"""All SQL about pre-applications."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.preapplications.models import PreApplication


def get(session: Session, id_: str) -> PreApplication | None:
    return session.get(PreApplication, id_)


def add(session: Session, row: PreApplication) -> None:
    session.add(row)
    session.flush()


def delete(session: Session, id_: str) -> int:
    result = session.execute(sa.delete(PreApplication).where(PreApplication.id == id_))
    return int(result.rowcount)  # type: ignore[attr-defined]  # a DML result has rowcount


def delete_created_before(session: Session, cutoff: datetime) -> int:
    statement = sa.delete(PreApplication).where(PreApplication.created_at < cutoff)
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]  # DML result
