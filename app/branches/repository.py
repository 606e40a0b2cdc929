"""All SQL about branches."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.branches.models import Branch
from app.kit.paging import keyset


def get(session: Session, code: str) -> Branch | None:
    return session.get(Branch, code)


def page(session: Session, after: list[str] | None, limit: int) -> list[Branch]:
    return list(session.scalars(keyset(sa.select(Branch), [Branch.code], after, limit)))


def list_all(session: Session) -> list[Branch]:
    return list(session.scalars(sa.select(Branch).order_by(Branch.code)))


def add(session: Session, branch: Branch) -> None:
    session.add(branch)
    session.flush()
