"""Staff accounts for administrators: create, and from the list open one to set its role or
branch, reset its password, or disable it. The auth service does the work the API does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.auth import repository as users
from app.auth import service as auth
from app.auth.errors import UserNotFound
from app.auth.models import User
from app.auth.roles import STAFF_ROLES
from app.auth.schemas import PasswordReset, UserCreate, UserUpdate
from app.branches import service as branches
from app.db import SessionDep
from app.kit.errors import ResidentIdError
from app.web.errors import message_for
from app.web.forms import field_errors
from app.web.i18n import N_, ROLE_NAMES
from app.web.routing import PageRoute
from app.web.sessions import Admins, CheckedVisitor, Visitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console/admin", route_class=PageRoute, include_in_schema=False)

CREATE_MESSAGES = {
    "username": N_("Enter a username of 2 to 64 letters, digits, dots, dashes or underscores."),
    "password": N_("Enter a password of at least 12 characters."),
    "role": N_("Choose a role."),
    "branch": N_("Choose a branch from the list."),
}
# Which form field a service's refusal belongs to.
ERROR_FIELDS = {
    "UsernameTaken": "username",
    "WeakPassword": "password",
    "UnknownBranch": "branch",
}


def _options(db: SessionDep, v: Visitor) -> dict[str, list[tuple[str, str]]]:
    """The role and branch choices as (value, shown text) pairs."""
    return {
        "role_options": [
            (r.value, v.t.gettext(ROLE_NAMES[r.value]).capitalize()) for r in STAFF_ROLES
        ],
        "branch_options": [(b.code, f"{b.name} ({b.code})") for b in branches.list_all(db)],
    }


def _list_page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    notices = []
    # Named only when the account exists: a crafted link cannot make the page say anything else.
    created = users.get_by_username(db, request.query_params.get("created", "")[:64])
    if created is not None:
        text = v.t.gettext("The account %(username)s is created.") % {"username": created.username}
        notices.append(("success", text))
    return render(
        request,
        v,
        "admin/staff.html",
        status,
        accounts=users.list_all(db),
        **_options(db, v),
        values=values or {"role": "clerk", "branch": "city-hall"},
        errors=errors or {},
        notices=notices,
    )


@router.get("/staff")
def staff(request: Request, db: SessionDep, v: Admins) -> HTMLResponse:
    return _list_page(request, db, v)


@router.post("/staff")
def create(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    branch: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    assert v.principal is not None
    values = {"username": username.strip(), "role": role, "branch": branch}
    try:
        data = UserCreate(username=username.strip(), password=password, role=role, branch=branch)
        user = auth.create_user(db, data, actor=v.principal.actor)
    except ValidationError as exc:
        errors = field_errors(v.t, exc, CREATE_MESSAGES, fallback="username")
        return _list_page(request, db, v, values, errors, 422)
    except ResidentIdError as exc:
        db.rollback()
        field = ERROR_FIELDS.get(exc.name, "username")
        return _list_page(request, db, v, values, {field: message_for(v.t, exc)}, exc.status_code)
    return redirect(v, f"/console/admin/staff?created={user.username}")


def _account(db: SessionDep, user_id: str) -> User:
    user = users.get(db, user_id)
    if user is None:
        raise UserNotFound("no such user")
    return user


_DONE = {
    "role": N_("The role is changed."),
    "branch": N_("The branch is changed."),
    "password": N_("The password is reset. Its holder must choose a new one at the next sign-in."),
    "disabled": N_("The account is disabled. Its sessions have ended."),
    "enabled": N_("The account is enabled again."),
}


def _account_page(
    request: Request,
    db: SessionDep,
    v: Visitor,
    user_id: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    user = _account(db, user_id)
    done = request.query_params.get("done", "")
    notices = [("success", v.t.gettext(_DONE[done]))] if done in _DONE else []
    return render(
        request,
        v,
        "admin/account.html",
        status,
        account=user,
        **_options(db, v),
        values={"role": user.role, "branch": user.branch},
        errors=errors or {},
        notices=notices,
    )


@router.get("/staff/{user_id}")
def account(request: Request, db: SessionDep, v: Admins, user_id: str) -> HTMLResponse:
    return _account_page(request, db, v, user_id)


def _update(
    request: Request, db: SessionDep, v: Visitor, user_id: str, field: str, data: UserUpdate
) -> Response:
    assert v.principal is not None
    _account(db, user_id)
    try:
        auth.update_user(db, user_id, data, actor=v.principal.actor)
    except ResidentIdError as exc:
        db.rollback()
        return _account_page(
            request, db, v, user_id, {field: message_for(v.t, exc)}, exc.status_code
        )
    done = {"role": "role", "branch": "branch"}.get(field) or (
        "enabled" if data.active else "disabled"
    )
    return redirect(v, f"/console/admin/staff/{user_id}?done={done}")


def _invalid(request: Request, db: SessionDep, v: Visitor, user_id: str, field: str) -> Response:
    message = v.t.gettext(CREATE_MESSAGES[field])
    return _account_page(request, db, v, user_id, {field: message}, 422)


@router.post("/staff/{user_id}/role")
def set_role(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    user_id: str,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        data = UserUpdate(role=role)
    except ValidationError:
        return _invalid(request, db, v, user_id, "role")
    return _update(request, db, v, user_id, "role", data)


@router.post("/staff/{user_id}/branch")
def set_branch(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    user_id: str,
    branch: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        data = UserUpdate(branch=branch)
    except ValidationError:
        return _invalid(request, db, v, user_id, "branch")
    return _update(request, db, v, user_id, "branch", data)


@router.post("/staff/{user_id}/disable")
def disable(
    request: Request, db: SessionDep, v: Admins, _csrf: CheckedVisitor, user_id: str
) -> Response:
    return _update(request, db, v, user_id, "active", UserUpdate(active=False))


@router.post("/staff/{user_id}/enable")
def enable(
    request: Request, db: SessionDep, v: Admins, _csrf: CheckedVisitor, user_id: str
) -> Response:
    return _update(request, db, v, user_id, "active", UserUpdate(active=True))


@router.post("/staff/{user_id}/password")
def reset_password(
    request: Request,
    db: SessionDep,
    v: Admins,
    _csrf: CheckedVisitor,
    user_id: str,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    assert v.principal is not None
    _account(db, user_id)
    try:
        PasswordReset(new_password=password)
        auth.reset_password(db, user_id, password, actor=v.principal.actor)
    except ValidationError:
        return _invalid(request, db, v, user_id, "password")
    except ResidentIdError as exc:
        db.rollback()
        return _account_page(
            request, db, v, user_id, {"password": message_for(v.t, exc)}, exc.status_code
        )
    return redirect(v, f"/console/admin/staff/{user_id}?done=password")
