"""Every response carries the standard security headers; nothing with personal data or a token may
be cached; pages may run no inline script, the API docs page included."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support.builders import TEST_PASSWORD, make_user
from tests.support.http import Headers


def _directives(policy: str) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in policy.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def _assert_standard(headers: Headers) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert _directives(headers["content-security-policy"])["frame-ancestors"] == "'none'"


def test_api_answers_carry_the_headers_and_are_never_cached(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    make_user("clerk", username="maria")
    token = client.post("/v1/auth/token", data={"username": "maria", "password": TEST_PASSWORD})
    admin = login("admin")
    answers = [
        token,
        client.get("/v1/users", headers=admin),
        client.get("/v1/auth/me", headers=admin),
        client.get("/v1/applicants", headers=admin, params={"name": "Ana"}),
        client.get("/v1/cards/0000000000000000", headers=admin),
        client.get("/v1/nothing-here"),
        client.get("/healthz"),
    ]
    for answer in answers:
        _assert_standard(dict(answer.headers))
        assert answer.headers["cache-control"] == "no-store", answer.request.url


def test_pages_may_run_no_inline_script(client: TestClient) -> None:
    policy = _directives(client.get("/healthz").headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert "script-src" not in policy
    assert "unsafe-inline" not in client.get("/healthz").headers["content-security-policy"]


def test_the_api_docs_page_runs_from_our_own_files_with_no_inline_script(
    client: TestClient,
) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["x-content-type-options"] == "nosniff"
    # Pages send Referer to their own site only: the console returns a clerk to the page a form
    # was on after a session ends (app/web/sessions.py); never to another site.
    assert page.headers["referrer-policy"] in ("no-referrer", "same-origin")
    header = page.headers["content-security-policy"]
    policy = _directives(header)
    assert "'unsafe-inline'" not in policy.get("script-src", policy["default-src"])
    assert "http" not in header  # no CDN: a city network cut off from the internet still works
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in page.text
    bundle = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
    assert bundle in page.text
    assert client.get(bundle).status_code == 200
    assert client.get("/openapi.json").status_code == 200
