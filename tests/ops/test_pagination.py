"""Every list has one shape, `{"items": [...], "next_cursor": ...}`, with a bounded `limit`: a
client that follows next_cursor page by page gets every item once, in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db import session_factory
from app.kit.types import utcnow
from app.verification.models import VerificationCount
from tests.support.applicants import register
from tests.support.builders import make_merchant
from tests.support.http import Headers, Login


def _walk(
    client: TestClient, url: str, headers: Headers, params: dict[str, Any], limit: int
) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = client.get(url, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) >= {"items", "next_cursor"}
        assert len(body["items"]) <= limit
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50


def test_staff_accounts_page_by_page(client: TestClient, login: Login) -> None:
    admin = login("admin")
    for role in ("clerk", "clerk", "supervisor", "auditor", "printer"):
        login(role)
    whole = client.get("/v1/users", headers=admin).json()
    assert whole["next_cursor"] is None
    pages = _walk(client, "/v1/users", admin, {}, limit=2)
    assert [len(p) for p in pages] == [2, 2, 2]
    assert [u["username"] for p in pages for u in p] == [u["username"] for u in whole["items"]]
    assert [u["username"] for u in whole["items"]] == sorted(u["username"] for u in whole["items"])


def test_a_search_pages_in_name_order(client: TestClient, login: Login) -> None:
    clerk = login("clerk")
    for given in ("Ana", "Bảo", "Chi", "Dung", "Em"):
        register(client, clerk, given_name=given, family_name="Nguyễn", date_of_birth="1991-02-03")
    pages = _walk(client, "/v1/applicants", clerk, {"name": "nguyen"}, limit=2)
    found = [m["given_name"] for p in pages for m in p]
    assert found == ["Ana", "Bảo", "Chi", "Dung", "Em"]
    assert [len(p) for p in pages] == [2, 2, 1]


def test_merchants_zones_and_branches_page(client: TestClient, login: Login) -> None:
    admin = login("admin")
    for name in ("Ives Library", "Fair Haven Library", "Elm Parking"):
        make_merchant(name=name)
    merchants = [m["name"] for p in _walk(client, "/v1/merchants", admin, {}, 1) for m in p]
    assert merchants == sorted(["Ives Library", "Fair Haven Library", "Elm Parking"])
    for code in ("downtown", "east-rock", "wooster"):
        zone = {"name": code.title(), "rate_cents_per_hour": 150, "max_minutes": 120}
        assert client.put(f"/v1/parking/zones/{code}", json=zone, headers=admin).status_code in (
            200,
            201,
        )
    zones = [z["code"] for p in _walk(client, "/v1/parking/zones", admin, {}, 2) for z in p]
    assert zones == ["downtown", "east-rock", "wooster"]
    for code in ("fair-haven", "westville"):
        branch = {"code": code, "name": code.title()}
        assert client.post("/v1/branches", json=branch, headers=admin).status_code == 201
    branches = [b["code"] for p in _walk(client, "/v1/branches", admin, {}, 1) for b in p]
    assert branches == sorted(["city-hall", "fair-haven", "westville"])


@pytest.mark.parametrize(
    "url", ["/v1/users", "/v1/merchants", "/v1/parking/zones", "/v1/branches", "/v1/applicants"]
)
def test_a_cursor_not_ours_and_a_limit_out_of_bounds_are_refused(
    client: TestClient, login: Login, url: str
) -> None:
    admin = login("admin") if url != "/v1/applicants" else login("clerk")
    search = {"name": "ana"} if url == "/v1/applicants" else {}
    for cursor in ("bm90LWpzb24", "WzEsMiwzLDQsNV0", "W3RydWVd"):  # not JSON, too long, a bool
        refused = client.get(url, params={**search, "cursor": cursor}, headers=admin)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "BadCursor"
    for limit in (0, 100_000):
        refused = client.get(url, params={**search, "limit": limit}, headers=admin)
        assert refused.status_code == 422, refused.text


def test_verification_counts_page_by_day_and_merchant(client: TestClient, login: Login) -> None:
    merchants = sorted([make_merchant(name="Ives")[0].id, make_merchant(name="Elm")[0].id])
    today = utcnow().date()  # the counts' days are UTC days (app.verification.router)
    days = [today - timedelta(days=n) for n in (2, 1, 0)]
    with session_factory()(expire_on_commit=True) as s, s.begin():
        for n, day in enumerate(days):
            for merchant_id in merchants:
                s.add(VerificationCount(merchant_id=merchant_id, day=day, valid=n + 1))
    auditor = login("auditor")
    pages = _walk(client, "/v1/verification-counts", auditor, {}, limit=4)
    rows = [(r["day"], r["merchant_id"], r["valid"]) for p in pages for r in p]
    assert [len(p) for p in pages] == [4, 2]
    assert rows == [(d.isoformat(), m, n + 1) for n, d in enumerate(days) for m in merchants]
