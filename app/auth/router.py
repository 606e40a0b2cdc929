from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import repository, service
from app.auth.deps import Principal, allow, public
from app.auth.roles import Role
from app.auth.schemas import Token, UserCreate, UserRead, UserUpdate
from app.db import SessionDep
from app.kit.errors import responses

router = APIRouter(tags=["auth"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
AnyStaff = Annotated[
    Principal,
    Depends(allow(Role.ADMIN, Role.SUPERVISOR, Role.CLERK, Role.PRINTER, Role.AUDITOR)),
]


@router.post(
    "/v1/auth/token",
    response_model=Token,
    dependencies=[Depends(public())],
    responses=responses(401, 422),
)
def token(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Sign in with username and password (OAuth2 password form); answers a bearer token."""
    user = service.authenticate(session, form.username, form.password)
    access_token, expires_in = service.issue_token(user)
    return Token(access_token=access_token, expires_in=expires_in)


@router.get("/v1/auth/me", response_model=UserRead, responses=responses(401, 403))
def me(session: SessionDep, principal: AnyStaff) -> UserRead:
    """The signed-in staff account."""
    return UserRead.model_validate(repository.get(session, principal.id))


@router.post(
    "/v1/users", status_code=201, response_model=UserRead, responses=responses(401, 403, 409, 422)
)
def create_user(session: SessionDep, admin: Admin, body: UserCreate) -> UserRead:
    """Create a staff account."""
    return UserRead.model_validate(service.create_user(session, body, actor=admin.actor))


@router.get("/v1/users", response_model=list[UserRead], responses=responses(401, 403))
def list_users(session: SessionDep, _admin: Admin) -> list[UserRead]:
    """All staff accounts."""
    return [UserRead.model_validate(u) for u in repository.list_all(session)]


@router.patch(
    "/v1/users/{user_id}", response_model=UserRead, responses=responses(401, 403, 404, 422)
)
def update_user(session: SessionDep, admin: Admin, user_id: str, body: UserUpdate) -> UserRead:
    """Change a staff account's role or branch, or disable it."""
    return UserRead.model_validate(service.update_user(session, user_id, body, actor=admin.actor))
