"""Signing in, one's own password, and staff accounts over HTTP. Here, not in app/auth, because
the route guard sits above auth: it reads auth's tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from app.access.deps import allow, public
from app.auth import repository, service
from app.auth.errors import (
    LastAdmin,
    SignInThrottled,
    UsernameTaken,
    UserNotFound,
    WeakPassword,
    WrongPassword,
)
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.roles import STAFF_ROLES, Role
from app.auth.schemas import PasswordChange, PasswordReset, Token, UserCreate, UserRead, UserUpdate
from app.branches.errors import UnknownBranch
from app.db import SessionDep, reads
from app.kit.errors import GUARDED, BadCursor, NotAuthenticated, ValidationError, responses
from app.kit.paging import CursorQuery, LimitQuery, Page, decode, page_of

router = APIRouter(tags=["auth"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
AnyStaff = Annotated[Principal, Depends(allow(*STAFF_ROLES))]
# Also admitted while an administrator's reset requires a new password.
AnyStaffBeforeChange = Annotated[
    Principal, Depends(allow(*STAFF_ROLES, before_password_change=True))
]


def _client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _token(user: User) -> Token:
    access_token, expires_in = service.issue_token(user)
    return Token(
        access_token=access_token,
        expires_in=expires_in,
        must_change_password=user.must_change_password,
    )


@router.post(
    "/v1/auth/token",
    response_model=Token,
    dependencies=[Depends(public())],
    responses=responses(NotAuthenticated, ValidationError, SignInThrottled),
)
@reads  # the password check holds no lock; failures are counted in transactions of their own
def token(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    """Sign in with username and password (OAuth2 password form); answers a bearer token.
    After repeated failures for a username or from an address: 429 with Retry-After."""
    user = service.authenticate(session, form.username, form.password, _client_address(request))
    return _token(user)


@router.get("/v1/auth/me", response_model=UserRead, responses=responses(*GUARDED))
def me(session: SessionDep, principal: AnyStaffBeforeChange) -> UserRead:
    """The signed-in staff account."""
    return UserRead.model_validate(repository.get(session, principal.id))


@router.post(
    "/v1/auth/password",
    response_model=Token,
    responses=responses(*GUARDED, WrongPassword, ValidationError, WeakPassword, SignInThrottled),
)
@reads  # the password check holds no lock; the change is written by a transaction of its own
def change_password(
    request: Request, principal: AnyStaffBeforeChange, body: PasswordChange
) -> Token:
    """Change your own password (the current one is required). Every token you held ends; the
    answer is a fresh one."""
    user = service.change_password(
        principal.id, body.current_password, body.new_password, _client_address(request)
    )
    return _token(user)


@router.post(
    "/v1/users",
    status_code=201,
    response_model=UserRead,
    responses=responses(*GUARDED, UsernameTaken, ValidationError, WeakPassword, UnknownBranch),
)
def create_user(session: SessionDep, admin: Admin, body: UserCreate) -> UserRead:
    """Create a staff account."""
    return UserRead.model_validate(service.create_user(session, body, actor=admin.actor))


@router.get(
    "/v1/users",
    response_model=Page[UserRead],
    responses=responses(*GUARDED, ValidationError, BadCursor),
)
def list_users(
    session: SessionDep, _admin: Admin, limit: LimitQuery = 100, cursor: CursorQuery = None
) -> Page[UserRead]:
    """Staff accounts by username, a page at a time."""
    rows, next_cursor = page_of(
        repository.page(session, decode(cursor, 1), limit), limit, lambda u: [u.username]
    )
    return Page(items=[UserRead.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.patch(
    "/v1/users/{user_id}",
    response_model=UserRead,
    responses=responses(*GUARDED, UserNotFound, LastAdmin, ValidationError, UnknownBranch),
)
def update_user(session: SessionDep, admin: Admin, user_id: str, body: UserUpdate) -> UserRead:
    """Change a staff account's role or branch, or disable it (its tokens end, for good). The
    last active administrator cannot be disabled or demoted (409)."""
    return UserRead.model_validate(service.update_user(session, user_id, body, actor=admin.actor))


@router.post(
    "/v1/users/{user_id}/password",
    response_model=UserRead,
    responses=responses(*GUARDED, UserNotFound, ValidationError, WeakPassword),
)
def reset_password(
    session: SessionDep, admin: Admin, user_id: str, body: PasswordReset
) -> UserRead:
    """Set a new password for a staff account: its tokens end, and at the next sign-in its holder
    must choose their own."""
    user = service.reset_password(session, user_id, body.new_password, actor=admin.actor)
    return UserRead.model_validate(user)
