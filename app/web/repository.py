"""All SQL about browser sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.web.models import WebSession


def get(session: Session, session_id: str) -> WebSession | None:
    return session.get(WebSession, session_id)


def add(session: Session, row: WebSession) -> None:
    session.add(row)
    session.flush()


def delete(session: Session, row: WebSession) -> None:
    session.delete(row)
    session.flush()


def touch(session: Session, session_id: str, seen_at: datetime) -> None:
    session.execute(
        sa.update(WebSession).where(WebSession.id == session_id).values(last_seen_at=seen_at)
    )


def delete_by_id(session: Session, session_id: str) -> None:
    session.execute(sa.delete(WebSession).where(WebSession.id == session_id))
