"""The administrator's pages through the app's client: each action works for an administrator
and is refused to the other roles, bad input shows an error and changes nothing, a rotated
merchant key is shown once, and the settings page masks secrets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import User
from tests.builders import make_branch, make_user, reading_session
from tests.web.console_client import csrf_of, post_form, signed_in, text_of

OTHER_ROLES = ("clerk", "supervisor", "printer", "auditor")


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    yield from reading_session(database_url)


def _user(session: Session, username: str) -> User | None:
    session.rollback()
    return session.scalars(sa.select(User).where(User.username == username)).one_or_none()


def _actions(session: Session) -> list[str]:
    session.rollback()
    return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_an_admin_creates_a_clerk_at_a_branch_from_the_list(
    client: TestClient, session: Session
) -> None:
    make_branch("fair-haven")
    signed_in(client, "admin")
    page = client.get("/console/admin/staff")
    assert page.status_code == 200
    assert '<option value="fair-haven">' in page.text
    answer = post_form(
        client,
        "/console/admin/staff",
        "/console/admin/staff",
        {
            "username": "Rosa.M",
            "password": "a long enough phrase",
            "role": "clerk",
            "branch": "fair-haven",
        },
    )
    assert answer.status_code == 200
    assert "The account rosa.m is created." in text_of(answer)
    user = _user(session, "rosa.m")
    assert user is not None
    assert (user.role, user.branch, user.active) == (
        "clerk",
        "fair-haven",
        True,
    )
    assert "user.create" in _actions(session)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {
                "username": "x",
                "password": "a long enough phrase",
                "role": "clerk",
                "branch": "city-hall",
            },
            "username",
            "Enter a username of 2 to 64 letters, digits, dots, dashes or underscores.",
        ),
        (
            {"username": "newclerk", "password": "short", "role": "clerk", "branch": "city-hall"},
            "password",
            "Enter a password of at least 12 characters.",
        ),
        (
            {
                "username": "newclerk",
                "password": "a long enough phrase",
                "role": "king",
                "branch": "city-hall",
            },
            "role",
            "Choose a role.",
        ),
        (
            {
                "username": "newclerk",
                "password": "a long enough phrase",
                "role": "clerk",
                "branch": "atlantis",
            },
            "branch",
            "Choose a branch from the list.",
        ),
        (
            {
                "username": "newclerk",
                "password": "password12345",
                "role": "clerk",
                "branch": "city-hall",
            },
            "password",
            "Choose a password of at least 12 characters that is not a common one.",
        ),
    ],
)
def test_a_bad_account_shows_the_error_at_its_field_and_creates_nothing(
    client: TestClient, session: Session, form: dict[str, str], field: str, message: str
) -> None:
    signed_in(client, "admin")
    page = post_form(client, "/console/admin/staff", "/console/admin/staff", form)
    assert page.status_code == 422
    words = text_of(page)
    assert "There is a problem" in words
    assert words.count(message) == 2
    assert f'href="#{field}"' in page.text
    assert _user(session, "newclerk") is None
    assert _user(session, "x") is None


def test_a_taken_username_is_refused(client: TestClient, session: Session) -> None:
    make_user("clerk", username="taken")
    signed_in(client, "admin")
    form = {
        "username": "TAKEN",
        "password": "a long enough phrase",
        "role": "clerk",
        "branch": "city-hall",
    }
    page = post_form(client, "/console/admin/staff", "/console/admin/staff", form)
    assert page.status_code == 409
    assert "Another account has this username." in text_of(page)
    assert 'value="TAKEN"' in page.text


def test_an_admin_sets_role_and_branch_resets_the_password_and_disables(
    client: TestClient, session: Session
) -> None:
    make_branch("westville")
    clerk = make_user("clerk", username="tomas")
    signed_in(client, "admin")
    url = f"/console/admin/staff/{clerk.id}"
    page = post_form(client, url, f"{url}/role", {"role": "supervisor"})
    assert "The role is changed." in text_of(page)
    page = post_form(client, url, f"{url}/branch", {"branch": "westville"})
    assert "The branch is changed." in text_of(page)
    page = post_form(client, url, f"{url}/password", {"password": "another long phrase"})
    assert "The password is reset." in text_of(page)
    page = post_form(client, url, f"{url}/disable", {})
    assert "The account is disabled." in text_of(page)
    user = _user(session, "tomas")
    assert user is not None
    assert (user.role, user.branch, user.active, user.must_change_password) == (
        "supervisor",
        "westville",
        False,
        True,
    )
    page = post_form(client, url, f"{url}/enable", {})
    assert "The account is enabled again." in text_of(page)
    actions = _actions(session)
    assert actions.count("user.update") == 4
    assert "user.password_reset" in actions


def test_bad_changes_to_an_account_change_nothing(client: TestClient, session: Session) -> None:
    clerk = make_user("clerk", username="ines")
    signed_in(client, "admin")
    url = f"/console/admin/staff/{clerk.id}"
    assert post_form(client, url, f"{url}/role", {"role": "owner"}).status_code == 422
    page = post_form(client, url, f"{url}/branch", {"branch": "nowhere"})
    assert page.status_code == 422
    assert "Choose a branch from the list." in text_of(page)
    page = post_form(client, url, f"{url}/password", {"password": "short"})
    assert page.status_code == 422
    user = _user(session, "ines")
    assert user is not None
    assert (user.role, user.branch, user.must_change_password) == ("clerk", "city-hall", False)


def test_the_last_admin_cannot_disable_themselves(client: TestClient, session: Session) -> None:
    session.rollback()
    admins = session.scalars(sa.select(User).where(User.role == "admin")).all()
    assert admins == []
    name = signed_in(client, "admin")
    me = _user(session, name)
    assert me is not None
    url = f"/console/admin/staff/{me.id}"
    page = post_form(client, url, f"{url}/disable", {})
    assert page.status_code == 409
    assert "This is the last active administrator." in text_of(page)
    me = _user(session, name)
    assert me is not None
    assert me.active


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_manage_staff(client: TestClient, session: Session, role: str) -> None:
    clerk = make_user("clerk", username="quiet")
    signed_in(client, role)
    assert client.get("/console/admin/staff").status_code == 403
    assert client.get(f"/console/admin/staff/{clerk.id}").status_code == 403
    token = csrf_of(client.get("/console/password"))
    form = {
        "csrf_token": token,
        "username": "sneaky",
        "password": "a long enough phrase",
        "role": "admin",
        "branch": "city-hall",
    }
    assert client.post("/console/admin/staff", data=form).status_code == 403
    answer = client.post(f"/console/admin/staff/{clerk.id}/disable", data={"csrf_token": token})
    assert answer.status_code == 403
    assert _user(session, "sneaky") is None
    user = _user(session, "quiet")
    assert user is not None
    assert user.active


def test_signed_out_the_admin_pages_ask_to_sign_in(client: TestClient) -> None:
    answer = client.get("/console/admin/staff", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/sign-in?next=%2Fconsole%2Fadmin%2Fstaff")
