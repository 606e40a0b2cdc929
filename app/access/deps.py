"""Who is calling, and the guard through which every route declares the roles it allows.

Staff send `Authorization: Bearer <token from /v1/auth/token>`; merchants send their API key the
same way (keys start with `rid_mk_`, tokens never do). Every route lists its roles with an alias such
as `Clerks = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]`, or declares itself
public with `dependencies=[Depends(public())]`; tests/auth/test_route_roles.py walks them all.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth.errors import PasswordChangeRequired
from app.auth.principal import API_KEY_PREFIX, Principal
from app.auth.roles import Role
from app.auth.service import principal_for_token
from app.db import SessionDep, reading_session_factory
from app.kit.errors import Forbidden, NotAuthenticated
from app.merchants.service import principal_for_api_key, principal_for_api_key_cached
from app.statements import in_thread

oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


def _resolve(session: SessionDep, token: str) -> Principal:
    if token.startswith(API_KEY_PREFIX):
        principal = principal_for_api_key(session, token)
        if principal is None:
            raise NotAuthenticated("unknown or disabled API key")
        return principal
    return principal_for_token(session, token)


class RoleGuard:
    """A dependency that admits only the listed roles; `roles=None` marks a public route.
    An account whose password an administrator reset is refused (403) everywhere except on the
    routes built with `before_password_change=True` (changing it, and reading one's account)."""

    def __init__(
        self, roles: frozenset[Role] | None, *, before_password_change: bool = False
    ) -> None:
        self.roles = roles
        self.before_password_change = before_password_change

    def __call__(
        self, request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2)]
    ) -> Principal | None:
        if self.roles is None:
            return None
        if not token:
            raise NotAuthenticated("sign in first: send Authorization: Bearer <token>")
        principal = _resolve(session, token)
        return self._admit(request, principal)

    def _admit(self, request: Request, principal: Principal) -> Principal:
        assert self.roles is not None
        if principal.role not in self.roles:
            allowed = ", ".join(sorted(self.roles))
            raise Forbidden(f"the {principal.role} role may not do this (allowed: {allowed})")
        if principal.must_change_password and not self.before_password_change:
            raise PasswordChangeRequired(
                "choose a new password first (POST /v1/auth/password): an administrator reset it"
            )
        request.state.principal = principal
        return principal


def _resolve_alone(token: str) -> Principal:
    with reading_session_factory()() as session:
        return _resolve(session, token)


class KeyGuard(RoleGuard):
    """RoleGuard for the hot paths, with no session: a merchant key is found in this worker's
    cache (app.merchants.service); anything else is resolved as RoleGuard resolves it, in a
    session of its own in the thread pool, so it is admitted or refused with the same answer."""

    async def __call__(  # type: ignore[override]  # the same guard, awaited and sessionless
        self, request: Request, token: Annotated[str | None, Depends(oauth2)]
    ) -> Principal:
        if not token:
            raise NotAuthenticated("sign in first: send Authorization: Bearer <token>")
        if token.startswith(API_KEY_PREFIX):
            principal = await principal_for_api_key_cached(token)
            if principal is None:
                raise NotAuthenticated("unknown or disabled API key")
        else:
            principal = await in_thread(lambda: _resolve_alone(token))
        return self._admit(request, principal)


def allow_keys(*roles: Role) -> KeyGuard:
    """allow() for a hot path that merchant keys call."""
    return KeyGuard(frozenset(roles))


def allow(*roles: Role, before_password_change: bool = False) -> RoleGuard:
    return RoleGuard(frozenset(roles), before_password_change=before_password_change)


def public() -> RoleGuard:
    return RoleGuard(None)
