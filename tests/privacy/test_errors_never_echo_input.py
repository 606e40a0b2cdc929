"""An error never echoes what was sent: a 60,000-character card number (or any id in a path) is
not repeated back in the answer, whoever calls and whatever the route."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.auth.roles import STAFF_ROLES
from app.cards import numbers
from app.main import ROUTERS
from cards.numbers import grouped
from tests.support.builders import make_merchant
from tests.support.http import Headers

LONG = "9" * 60_000
# Half as long for the walk: a path may hold two ids, and a URL at most 64 KiB.
LONG_ID = "9" * 30_000
# A well-formed card number that no card has: it gets past the format check to the lookup.
UNKNOWN_CARD = next(n for n in iter(numbers.new_card_number, None) if numbers.is_valid(n))


def _routes_with_path_params() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and "{" in route.path:
                found.extend((method, route.path) for method in sorted(route.methods or ()))
    return found


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("value", [LONG_ID, "echo-" + secrets.token_hex(8), UNKNOWN_CARD])
def test_no_route_repeats_a_path_value_in_its_error(
    client: TestClient, login: Callable[..., Headers], value: str
) -> None:
    callers = [login(role) for role in STAFF_ROLES] + [make_merchant(name="Echo Cafe")[1]]
    routes = _routes_with_path_params()
    assert len(routes) > 10
    echoed = []
    for method, path in routes:
        for headers in callers:
            response = client.request(
                method,
                _fill(path, value),
                headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
                json={},
            )
            text = response.text
            if value[:40] in text or grouped(UNKNOWN_CARD) in text:
                echoed.append(f"{method} {path} -> {response.status_code}")
    assert echoed == []


def test_a_60000_character_card_number_gets_a_short_404(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    response = client.get(f"/v1/cards/{LONG}", headers=login("clerk"))
    assert response.status_code == 404
    assert len(response.content) < 400  # the problem document, never the 60,000 digits
