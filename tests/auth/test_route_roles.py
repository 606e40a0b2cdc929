"""Every route declares the roles it allows; walk every route with every role and with no token."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence

import httpx2
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from app.access.deps import RoleGuard
from app.auth.principal import API_KEY_PREFIX
from app.auth.roles import STAFF_ROLES, Role
from app.main import ROUTERS
from app.merchants.models import Merchant
from app.merchants.service import hash_api_key
from tests.support.http import Headers


def _guards(dependant: Dependant) -> list[RoleGuard]:
    found = [d.call for d in dependant.dependencies if isinstance(d.call, RoleGuard)]
    for sub in dependant.dependencies:
        found.extend(_guards(sub))
    return found


def _routes_of(routes: Sequence[BaseRoute]) -> list[APIRoute]:
    # A router that includes others (payments) holds them as included routers: walk into them.
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif isinstance(getattr(route, "original_router", None), APIRouter):
            found.extend(_routes_of(route.original_router.routes))  # type: ignore[attr-defined]
    return found


def _v1_routes() -> list[APIRoute]:
    # The domain routers the app includes (their routes carry the full path).
    routes = [r for router in ROUTERS for r in _routes_of(router.routes)]
    assert all(r.path.startswith("/v1/") for r in routes)
    return routes


def _concrete(path: str) -> str:
    # Ids that exist nowhere: an allowed caller gets a 404 or a 422, never a 401/403.
    return re.sub(r"\{[^}]+\}", "0", path)


def _error_of(response: httpx2.Response) -> str | None:
    # Errors are RFC 9457 problems (application/problem+json); other answers are plain JSON.
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith(("application/json", "application/problem+json")):
        return None
    body = response.json()
    return body.get("error") if isinstance(body, dict) else None


@pytest.fixture
def merchant_headers(session: Session) -> Headers:
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        Merchant(
            name="Ives Library",
            category="library",
            api_key_hash=hash_api_key(key),
            api_key_prefix=key[:12],
        )
    )
    session.commit()
    return {"Authorization": f"Bearer {key}"}


def test_every_route_declares_exactly_one_role_guard() -> None:
    routes = _v1_routes()
    assert len(routes) > 3
    undeclared = [
        f"{sorted(r.methods or ())} {r.path}" for r in routes if len(_guards(r.dependant)) != 1
    ]
    assert undeclared == []


def test_every_route_admits_exactly_its_roles(
    client: TestClient, login: Callable[..., Headers], merchant_headers: Headers
) -> None:
    callers: dict[Role, Headers] = {role: login(role.value) for role in STAFF_ROLES}
    callers[Role.MERCHANT] = merchant_headers
    checked = 0
    for route in _v1_routes():
        (guard,) = _guards(route.dependant)
        path = _concrete(route.path)
        for method in sorted(route.methods or ()):
            anonymous = client.request(method, path)
            assert anonymous.status_code < 500, (method, route.path)
            if guard.roles is None:
                assert anonymous.status_code != 401, (method, route.path)
                continue
            assert anonymous.status_code == 401, (method, route.path, anonymous.text)
            assert anonymous.json()["error"] == "NotAuthenticated"
            for role, headers in callers.items():
                response = client.request(method, path, headers=headers)
                assert response.status_code < 500, (method, route.path, role, response.text)
                if role in guard.roles:
                    assert response.status_code != 401, (method, route.path, role)
                    assert _error_of(response) != "Forbidden", (method, route.path, role)
                else:
                    assert response.status_code == 403, (method, route.path, role, response.text)
                    assert response.json()["error"] == "Forbidden"
                checked += 1
    assert checked > 0


def test_an_expired_token_is_refused(client: TestClient, login: Callable[..., Headers]) -> None:
    import jwt

    from app.auth.service import ALGORITHM, token_secret

    expired = jwt.encode(
        {"sub": "someone", "role": "admin", "exp": 1_000_000}, token_secret(), algorithm=ALGORITHM
    )
    response = client.get("/v1/users", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json() == {
        "type": "urn:resident-id:problem:NotAuthenticated",
        "title": "Not authenticated",
        "status": 401,
        "error": "NotAuthenticated",
        "detail": "the token has expired; sign in again",
    }
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_forged_token_is_refused(client: TestClient) -> None:
    import jwt

    forged = jwt.encode(
        {"sub": "x", "role": "admin", "exp": 9_999_999_999},
        "not-our-secret-but-long-enough-for-hs256",
        algorithm="HS256",
    )
    response = client.get("/v1/users", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


# The counter console's routes, named with the roles the console relies on.
CONSOLE_ROUTES: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/v1/applicants/{applicant_id}/cards"): frozenset({Role.CLERK, Role.SUPERVISOR}),
    ("POST", "/v1/branches/{branch}/drawer/close"): frozenset({Role.CLERK, Role.SUPERVISOR}),
    ("GET", "/v1/branches/{branch}/drawer"): frozenset({Role.SUPERVISOR, Role.AUDITOR}),
}


def test_the_console_routes_admit_the_roles_it_relies_on() -> None:
    found = {
        (method, route.path): _guards(route.dependant)[0].roles
        for route in _v1_routes()
        for method in route.methods or ()
    }
    assert {key: found.get(key) for key in CONSOLE_ROUTES} == CONSOLE_ROUTES
