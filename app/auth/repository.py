from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.models import SignInThrottle, User
from app.kit.paging import keyset


def get(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def page(session: Session, after: list[str] | None, limit: int) -> list[User]:
    """Accounts by username, from just after `after`: limit + 1 of them (app.kit.paging)."""
    return list(session.scalars(keyset(sa.select(User), [User.username], after, limit)))


def list_all(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.username)))


def add(session: Session, user: User) -> None:
    session.add(user)
    session.flush()


def get_by_username(session: Session, username: str) -> User | None:
    """The account with this username, whatever the case it is typed in."""
    return session.scalars(sa.select(User).where(User.username == username.lower())).one_or_none()


def active_admin_ids(session: Session) -> list[str]:
    """The active administrators, their rows locked so two demotions cannot both see two admins."""
    statement = sa.select(User.id).where(User.role == "admin", User.active.is_(True))
    return list(session.scalars(statement.with_for_update()))


def throttles(session: Session, keys: list[str]) -> list[SignInThrottle]:
    statement = sa.select(SignInThrottle).where(SignInThrottle.key.in_(keys))
    return list(session.scalars(statement))


def count_failure(session: Session, key: str, *, now: datetime, forget_before: datetime) -> int:
    """Add one failure to the key (starting afresh when its last one is old); answers the count."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    row = SignInThrottle
    statement = (
        insert(row)
        .values(key=key, failures=1, blocked_until=None, updated_at=now)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "failures": sa.case((row.updated_at < forget_before, 1), else_=row.failures + 1),
                "updated_at": now,
            },
        )
        .returning(row.failures)
    )
    return int(session.execute(statement).scalar_one())


def block(session: Session, key: str, until: datetime) -> None:
    session.execute(
        sa.update(SignInThrottle).where(SignInThrottle.key == key).values(blocked_until=until)
    )


def forget_failures(session: Session, key: str) -> None:
    session.execute(sa.delete(SignInThrottle).where(SignInThrottle.key == key))


def by_ids(session: Session, ids: list[str]) -> list[User]:
    if not ids:
        return []
    return list(session.scalars(sa.select(User).where(User.id.in_(ids))))


def delete_idle_throttles(
    session: Session, prefix: str, *, idle_before: datetime, now: datetime
) -> int:
    """The counts under `prefix` nobody has added to lately and that block nothing (the
    pre-application form keeps its per-client submission counts here too)."""
    row = SignInThrottle
    statement = sa.delete(row).where(
        row.key.startswith(prefix, autoescape=True),
        row.updated_at < idle_before,
        sa.or_(row.blocked_until.is_(None), row.blocked_until < now),
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]  # DML result
