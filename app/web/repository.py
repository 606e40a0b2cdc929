"""All SQL about browser sessions."""

from __future__ import annotations

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


def delete_for_user(session: Session, user_id: str) -> int:
    result = session.execute(
        sa.delete(WebSession)
        .where(WebSession.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
