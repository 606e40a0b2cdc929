"""app.direct runs the money path's statements on the session's driver connection. Through it a
statement still belongs to the session's transaction, sees what the session added, and fails as
SQLAlchemy would have failed it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import direct
from app.branches.models import Branch
from app.db import session_factory

_NAMED = sa.text("SELECT name FROM branches WHERE code = :code")
_RENAME = sa.text("UPDATE branches SET name = :name WHERE code = :code RETURNING name")
_ADD = sa.text("INSERT INTO branches (code, name, created_at) VALUES (:code, :name, :at)")


def test_a_statement_sees_what_the_session_added_and_rolls_back_with_it() -> None:
    with session_factory()() as session:
        session.add(Branch(code="fair-haven", name="Fair Haven"))  # pending, not flushed
        assert direct.rows(session, _NAMED, {"code": "fair-haven"}) == [("Fair Haven",)]
        assert direct.first(session, _RENAME, {"code": "fair-haven", "name": "Fair Haven Library"})
        # The ORM reads the same transaction.
        name = session.scalar(sa.select(Branch.name).where(Branch.code == "fair-haven"))
        assert name == "Fair Haven Library"
        session.rollback()
        assert direct.first(session, _NAMED, {"code": "fair-haven"}) is None


def test_a_failing_statement_raises_sqlalchemys_error_without_its_values() -> None:
    with session_factory()() as session:
        session.add(Branch(code="westville", name="Westville"))
        session.flush()
        values = {"code": "westville", "name": "a secret name", "at": "2026-12-05 00:00:00+00"}
        with pytest.raises(sa.exc.IntegrityError) as raised:
            direct.rows(session, _ADD, values)
        assert "a secret name" not in str(raised.value)
        session.rollback()
