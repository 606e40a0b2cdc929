from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import User


def get(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def get_by_username(session: Session, username: str) -> User | None:
    return session.scalars(sa.select(User).where(User.username == username)).one_or_none()


def list_all(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.username)))


def add(session: Session, user: User) -> None:
    session.add(user)
    session.flush()
