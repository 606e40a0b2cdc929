"""Staff sessions in the browser: cookie flags, CSRF, idle timeout, sign-out, language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.auth.models import User
from app.config import settings
from app.kit.types import utcnow
from app.main import create_app
from app.web.models import WebSession
from tests.support.builders import TEST_PASSWORD, fresh_look, make_user
from tests.support.console import csrf_of, post_form, signed_in, text_of


def _count(session: Session, model: type[object]) -> int:
    fresh_look(session)
    return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_the_landing_page_links_to_the_console_and_docs_load_no_cdn(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/console/sign-in"' in home.text
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "http" not in docs.text.replace("<!doctype html>", "")
    assert "<script>" not in docs.text  # no inline script: each script has a src
    assert "script-src 'self'" in docs.headers["content-security-policy"]


def test_pages_send_a_strict_content_security_policy(client: TestClient) -> None:
    page = client.get("/console/sign-in")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in page.text
    assert " style=" not in page.text


def test_session_cookie_is_httponly_strict_and_secure_over_https() -> None:
    with TestClient(create_app(), base_url="https://testserver") as browser:
        user = make_user("clerk")
        token = csrf_of(browser.get("/console/sign-in"))
        answer = browser.post(
            "/console/sign-in",
            data={"username": user.username, "password": TEST_PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("rid_console="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "secure" in flags
    assert "samesite=strict" in flags


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    signed_in(client, "clerk")
    form = {
        "given_name": "Chidi",
        "family_name": "Okafor",
        "date_of_birth": "1985-02-03",
        "address_street": "1 Elm St",
        "address_city": "New Haven",
        "address_postal_code": "06510",
    }
    for token in (None, "forged"):
        data = form if token is None else {**form, "csrf_token": token}
        answer = client.post("/console/register", data=data, follow_redirects=False)
        assert answer.status_code == 403
    assert _count(session, Applicant) == 0
    ok = post_form(client, "/console/register", "/console/register", form, follow_redirects=False)
    assert ok.status_code == 303
    assert _count(session, Applicant) == 1


def test_wrong_password_keeps_the_username_and_never_the_password(client: TestClient) -> None:
    user = make_user("clerk")
    page = post_form(
        client,
        "/console/sign-in",
        "/console/sign-in",
        {"username": user.username, "password": "not-it-at-all"},
    )
    assert page.status_code == 401
    assert "Wrong username or password." in text_of(page)
    assert f'value="{user.username}"' in page.text
    assert "not-it-at-all" not in page.text


def _age_sessions(session: Session, minutes: int) -> None:
    session.execute(
        sa.update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes))
    )
    session.commit()


def test_an_idle_session_asks_to_sign_in_again_then_returns_to_the_page(
    client: TestClient, session: Session
) -> None:
    username = signed_in(client, "clerk")
    assert client.get("/console/register").status_code == 200
    _age_sessions(session, settings.console_idle_minutes + 1)
    answer = client.get("/console/register", follow_redirects=False)
    assert answer.status_code == 303
    target = urlparse(answer.headers["location"])
    assert target.path == "/console/sign-in"
    assert parse_qs(target.query) == {"next": ["/console/register"], "expired": ["1"]}
    assert _count(session, WebSession) == 0
    page = client.get(answer.headers["location"])
    assert "Your session ended" in text_of(page)
    back = client.post(
        "/console/sign-in",
        data={
            "username": username,
            "password": TEST_PASSWORD,
            "next": "/console/register",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=False,
    )
    assert back.headers["location"] == "/console/register"


def test_a_session_inside_the_idle_time_goes_on(client: TestClient, session: Session) -> None:
    signed_in(client, "clerk")
    _age_sessions(session, settings.console_idle_minutes - 1)
    assert client.get("/console/register", follow_redirects=False).status_code == 200


def test_signing_out_or_disabling_the_account_ends_the_session_on_the_server(
    client: TestClient, session: Session
) -> None:
    signed_in(client, "clerk")
    cookie = client.cookies.get("rid_console")
    assert cookie
    out = post_form(client, "/console/", "/console/sign-out", {}, follow_redirects=False)
    assert out.status_code == 303
    assert _count(session, WebSession) == 0
    # The old cookie, replayed, opens nothing.
    replay = TestClient(create_app(), cookies={"rid_console": cookie})
    assert replay.get("/console/", follow_redirects=False).status_code == 303

    username = signed_in(client, "supervisor")
    assert client.get("/console/approvals").status_code == 200
    session.execute(sa.update(User).where(User.username == username).values(active=False))
    session.commit()
    assert client.get("/console/approvals", follow_redirects=False).status_code == 303
    assert _count(session, WebSession) == 0


def test_a_role_sees_only_its_pages(client: TestClient) -> None:
    signed_in(client, "printer")
    assert client.get("/console/register").status_code == 403
    assert client.get("/console/print-queue").status_code == 200


def test_the_language_is_kept_for_the_session_and_formats_dates_and_money(
    client: TestClient,
) -> None:
    signed_in(client, "supervisor")
    switched = post_form(
        client, "/console/drawer", "/language", {"locale": "es", "next": "/console/drawer"}
    )
    assert switched.status_code == 200
    page = text_of(client.get("/console/drawer"))
    assert "Caja de city-hall" in page
    assert "Cerrar el día" in page
    assert "0,00 US$" in page  # Spanish money format
    english = post_form(
        client, "/console/drawer", "/language", {"locale": "en", "next": "/console/drawer"}
    )
    assert "Close the day" in text_of(english)
    assert "$0.00" in text_of(english)


def test_the_language_switch_never_redirects_off_the_site(client: TestClient) -> None:
    answer = post_form(
        client,
        "/",
        "/language",
        {"locale": "es", "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"
