"""The administrator's pages through the app's client: each action works for an administrator
and is refused to the other roles, bad input shows an error and changes nothing, a rotated
merchant key is shown once, and the settings page masks secrets."""

from __future__ import annotations

import html
import re

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import User
from app.branches.models import Branch
from app.config import Settings, settings, shown_settings
from app.keys.service import ensure_signing_key
from app.merchants.models import Merchant
from app.merchants.service import hash_api_key
from tests.support.builders import fresh_look, make_branch, make_merchant, make_user
from tests.support.console import csrf_of, post_form, signed_in, text_of

OTHER_ROLES = ("clerk", "supervisor", "printer", "auditor")


def _user(session: Session, username: str) -> User | None:
    fresh_look(session)
    return session.scalars(sa.select(User).where(User.username == username)).one_or_none()


def _actions(session: Session) -> list[str]:
    fresh_look(session)
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
    fresh_look(session)
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


def _merchant(session: Session, name: str) -> Merchant | None:
    fresh_look(session)
    return session.scalars(sa.select(Merchant).where(Merchant.name == name)).one_or_none()


def _key_on(page: httpx2.Response) -> str:
    found = re.search(r'id="api-key">(rid_mk_[^<]+)<', page.text)
    assert found, page.text[:2000]
    return found.group(1)


def test_a_new_merchant_and_a_rotated_key_are_shown_once_as_text_and_qr(
    client: TestClient, session: Session
) -> None:
    signed_in(client, "admin")
    page = post_form(
        client,
        "/console/admin/merchants",
        "/console/admin/merchants",
        {"name": "Fair Haven Library", "category": "library"},
    )
    assert page.status_code == 201
    first = _key_on(page)
    assert "Shown this once" in text_of(page)
    assert 'src="data:image/png;base64,' in page.text
    merchant = _merchant(session, "Fair Haven Library")
    assert merchant is not None
    assert merchant.api_key_hash == hash_api_key(first)
    assert (
        client.get("/v1/verify/counts", headers={"Authorization": f"Bearer {first}"}).status_code
        == 200
    )
    # The list never shows it again: only its first characters.
    listing = client.get("/console/admin/merchants")
    assert first not in listing.text
    assert first[:12] in listing.text

    page = post_form(
        client, "/console/admin/merchants", f"/console/admin/merchants/{merchant.id}/rotate-key", {}
    )
    second = _key_on(page)
    assert second != first
    assert "The old key has stopped working." in text_of(page)
    assert second not in client.get("/console/admin/merchants").text
    assert (
        client.get("/v1/verify/counts", headers={"Authorization": f"Bearer {first}"}).status_code
        == 401
    )
    assert (
        client.get("/v1/verify/counts", headers={"Authorization": f"Bearer {second}"}).status_code
        == 200
    )
    assert {"merchant.create", "merchant.rotate_key"} <= set(_actions(session))


def test_an_admin_disables_and_enables_a_merchant(client: TestClient, session: Session) -> None:
    merchant, headers = make_merchant(name="Temple St Garage", category="parking")
    signed_in(client, "admin")
    url = "/console/admin/merchants"
    page = post_form(client, url, f"{url}/{merchant.id}/disable", {})
    assert "The merchant is disabled: its key is refused." in text_of(page)
    assert client.get("/v1/verify/counts", headers=headers).status_code == 401
    # A disabled merchant gets no new key until it is enabled, on purpose.
    page = post_form(client, url, f"{url}/{merchant.id}/rotate-key", {})
    assert page.status_code == 409
    assert "This merchant is disabled." in text_of(page)
    page = post_form(client, url, f"{url}/{merchant.id}/enable", {})
    assert "The merchant is enabled again." in text_of(page)
    assert client.get("/v1/verify/counts", headers=headers).status_code == 200


def test_a_bad_merchant_shows_its_errors_and_adds_nothing(
    client: TestClient, session: Session
) -> None:
    signed_in(client, "admin")
    form = {"name": "  ", "category": "casino"}
    page = post_form(client, "/console/admin/merchants", "/console/admin/merchants", form)
    assert page.status_code == 422
    words = html.unescape(text_of(page))
    assert words.count("Enter the merchant's name (up to 120 characters).") == 2
    assert words.count("Choose a category.") == 2
    fresh_look(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(Merchant)) == 0


def test_an_admin_adds_a_branch_and_a_taken_code_is_refused(
    client: TestClient, session: Session
) -> None:
    signed_in(client, "admin")
    form = {
        "code": "fair-haven",
        "name": "Fair Haven Branch",
        "address": "182 Grand Ave",
        "opening_hours": "",
    }
    page = post_form(client, "/console/admin/branches", "/console/admin/branches", form)
    assert "The branch fair-haven is added." in text_of(page)
    assert "182 Grand Ave" in page.text
    fresh_look(session)
    branch = session.get(Branch, "fair-haven")
    assert branch is not None
    assert branch.opening_hours is None
    page = post_form(client, "/console/admin/branches", "/console/admin/branches", form)
    assert page.status_code == 409
    assert "A branch with this code exists already." in text_of(page)
    page = post_form(
        client,
        "/console/admin/branches",
        "/console/admin/branches",
        {"code": "no spaces", "name": ""},
    )
    assert page.status_code == 422
    assert "Enter a code of letters, digits, - and _" in text_of(page)
    fresh_look(session)
    assert session.get(Branch, "no spaces") is None


def test_a_signing_key_is_rotated_and_withdrawn_after_a_confirmation(
    client: TestClient, session: Session
) -> None:
    first = ensure_signing_key(session)
    session.commit()
    assert first is not None
    kid = first.kid
    signed_in(client, "admin")
    page = post_form(client, "/console/admin/keys", "/console/admin/keys/rotate", {})
    assert "A new key signs from now on." in text_of(page)
    confirm = client.get(f"/console/admin/keys/{kid}/withdraw")
    words = text_of(confirm)
    assert "What stops verifying" in words
    assert "Every card this key signed" in words
    assert "It cannot be undone." in words
    assert {k["kid"] for k in client.get("/v1/keys").json()["keys"]} >= {kid}
    page = post_form(
        client, f"/console/admin/keys/{kid}/withdraw", f"/console/admin/keys/{kid}/withdraw", {}
    )
    assert "The key is withdrawn and no longer published." in text_of(page)
    assert kid not in {k["kid"] for k in client.get("/v1/keys").json()["keys"]}
    assert "key.withdraw" in _actions(session)


def test_withdrawing_the_key_that_signs_now_says_so(client: TestClient, session: Session) -> None:
    key = ensure_signing_key(session)
    session.commit()
    assert key is not None
    signed_in(client, "admin")
    words = text_of(client.get(f"/console/admin/keys/{key.kid}/withdraw"))
    assert "This is the key that signs now" in words


def test_settings_are_shown_with_secrets_masked(client: TestClient) -> None:
    signed_in(client, "admin")
    page = client.get("/console/admin/settings")
    assert page.status_code == 200
    secret = settings.secret_key.get_secret_value()
    assert secret
    assert secret not in page.text
    assert "secret_key" in page.text
    assert "••••••••" in page.text
    assert "console_idle_minutes" in page.text
    assert settings.city_name in page.text


def test_secrets_in_settings_are_masked_whatever_their_type() -> None:
    custom = Settings(
        database_url="postgresql://rid:hunter2hunter2@db/rid",
        sip2_password="library-pass",
        signing_key=SecretStr(""),
    )
    shown = dict(shown_settings(custom))
    assert "hunter2hunter2" not in shown["database_url"]
    assert shown["database_url"].startswith("postgresql://rid:***@db/rid")
    assert shown["sip2_password"] == "••••••••"
    assert shown["signing_key"] == ""
    assert shown["signing_key_window_days"] == "365"
    assert shown["card_font_dirs"].startswith("/usr/share/fonts/truetype/noto, ")


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/console/admin/merchants",
        "/console/admin/branches",
        "/console/admin/keys",
        "/console/admin/settings",
    ],
)
def test_other_roles_may_not_open_the_admin_pages(client: TestClient, role: str, url: str) -> None:
    signed_in(client, role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_change_merchants_branches_or_keys(
    client: TestClient, session: Session, role: str
) -> None:
    merchant, _ = make_merchant()
    key = ensure_signing_key(session)
    session.commit()
    assert key is not None
    signed_in(client, role)
    token = csrf_of(client.get("/console/password"))
    for action, form in [
        ("/console/admin/merchants", {"name": "Sneaky", "category": "other"}),
        (f"/console/admin/merchants/{merchant.id}/rotate-key", {}),
        (f"/console/admin/merchants/{merchant.id}/disable", {}),
        ("/console/admin/branches", {"code": "sneaky", "name": "Sneaky"}),
        ("/console/admin/keys/rotate", {}),
        (f"/console/admin/keys/{key.kid}/withdraw", {}),
    ]:
        assert client.post(action, data={**form, "csrf_token": token}).status_code == 403, action
    assert _actions(session).count("merchant.rotate_key") == 0
    assert "key.withdraw" not in _actions(session)
    assert _merchant(session, "Sneaky") is None


def test_withdrawing_an_unknown_key_is_a_not_found_page(client: TestClient) -> None:
    signed_in(client, "admin")
    assert client.get("/console/admin/keys/nosuchkey/withdraw").status_code == 404
    page = post_form(client, "/console/admin/keys", "/console/admin/keys/nosuchkey/withdraw", {})
    assert page.status_code == 404
    assert "Not found." in text_of(page)


def test_a_crafted_link_cannot_make_a_page_announce_anything(client: TestClient) -> None:
    signed_in(client, "admin")
    page = client.get("/console/admin/staff", params={"created": "your-account-is-locked"})
    assert "your-account-is-locked" not in text_of(page)
    page = client.get("/console/admin/branches", params={"added": "call-555-0100"})
    assert "call-555-0100" not in text_of(page)
