"""Driving console pages through the app's TestClient as a browser would: cookies, CSRF, forms."""

from __future__ import annotations

import re
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from tests.support.builders import TEST_PASSWORD, make_user

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx2.Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def signed_in(client: TestClient, role: str, *, branch: str = "city-hall") -> str:
    """Sign a new staff account in through the form; answers its username."""
    user = make_user(role, branch=branch)
    page = client.get("/console/sign-in")
    answer = client.post(
        "/console/sign-in",
        data={"username": user.username, "password": TEST_PASSWORD, "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return user.username


def post_form(
    client: TestClient, page_url: str, action: str, data: dict[str, Any], **kwargs: Any
) -> httpx2.Response:
    """Open the page, then post its form with the page's CSRF token (as a browser does)."""
    token = csrf_of(client.get(page_url))
    return client.post(action, data={**data, "csrf_token": token}, **kwargs)


def text_of(page: httpx2.Response) -> str:
    """The page's words without tags, spaces collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
