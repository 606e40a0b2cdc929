"""Each test runs in a transaction it rolls back (tests/conftest.py). These check the seam that
makes that sound, app.db.sessions_joining: a request's commit is seen by what follows it in the
test, a failed step undoes only itself, and nothing is left once the outer transaction ends.

They open that outer transaction themselves, so they are marked as tests that commit.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.applicants.models import Applicant
from app.branches.models import Branch
from app.db import get_engine, joined, session_factory, sessions_joining
from app.main import create_app
from tests.support.applicants import register
from tests.support.builders import make_branch
from tests.support.http import Login

pytestmark = pytest.mark.commits


def _applicants() -> int:
    with session_factory()() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Applicant)) or 0


def test_a_request_commits_into_the_joined_transaction_and_nothing_outlives_it(
    login: Login,
) -> None:
    headers = login("clerk")
    assert not joined()
    with get_engine().connect() as connection:
        outer = connection.begin()
        with sessions_joining(connection), TestClient(create_app()) as client:
            assert joined()
            register(client, headers)
            assert _applicants() == 1  # the request's commit released its savepoint
        outer.rollback()
    assert not joined()
    assert _applicants() == 0


class Boom(Exception):
    pass


def _add_a_branch_then_fail() -> None:
    with session_factory()() as s, s.begin():
        s.add(Branch(code="undone", name="Undone"))
        s.flush()
        raise Boom


def test_a_failed_step_undoes_itself_and_keeps_what_came_before() -> None:
    with get_engine().connect() as connection:
        outer = connection.begin()
        with sessions_joining(connection):
            make_branch("kept")
            with pytest.raises(Boom):
                _add_a_branch_then_fail()
            with session_factory()() as s:
                assert s.get(Branch, "kept") is not None
                assert s.get(Branch, "undone") is None
        outer.rollback()
    with session_factory()() as s:
        assert s.get(Branch, "kept") is None
