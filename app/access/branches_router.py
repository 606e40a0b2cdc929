"""Branches: administrators add them; staff read the list. Here, not in app/branches, because
the route guard sits above branches (a staff account names its branch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.access.deps import allow
from app.auth.principal import Principal
from app.auth.roles import STAFF_ROLES, Role
from app.branches import service
from app.branches.errors import BranchExists
from app.branches.schemas import BranchCreate, BranchRead
from app.db import SessionDep
from app.kit.errors import GUARDED, BadCursor, ValidationError, responses
from app.kit.paging import CursorQuery, LimitQuery, Page

router = APIRouter(tags=["branches"])

Admin = Annotated[Principal, Depends(allow(Role.ADMIN))]
Staff = Annotated[Principal, Depends(allow(*STAFF_ROLES))]


@router.post(
    "/v1/branches",
    status_code=201,
    response_model=BranchRead,
    responses=responses(*GUARDED, BranchExists, ValidationError),
)
def add_branch(session: SessionDep, admin: Admin, body: BranchCreate) -> BranchRead:
    """Add a branch: its code, name, address and opening hours."""
    return service.add(session, body, actor=admin.actor)


@router.get(
    "/v1/branches",
    response_model=Page[BranchRead],
    responses=responses(*GUARDED, ValidationError, BadCursor),
)
def list_branches(
    session: SessionDep, _staff: Staff, limit: LimitQuery = 100, cursor: CursorQuery = None
) -> Page[BranchRead]:
    """Branches by code, a page at a time."""
    return service.page(session, cursor, limit)
