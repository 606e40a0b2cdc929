"""Adding and listing branches; every other domain asks here whether a branch exists."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.branches import repository
from app.branches.errors import BranchExists, BranchNotFound, UnknownBranch
from app.branches.models import Branch
from app.branches.schemas import BranchCreate, BranchRead
from app.kit.paging import Page, decode, page_of


def add(session: Session, body: BranchCreate, *, actor: str) -> BranchRead:
    """A new branch; 409 when its code is taken."""
    if repository.get(session, body.code) is not None:
        raise BranchExists(f"a branch with the code {body.code!r} exists")
    branch = Branch(
        code=body.code, name=body.name, address=body.address, opening_hours=body.opening_hours
    )
    repository.add(session, branch)
    audit.record(
        session,
        actor=actor,
        action="branch.create",
        subject=f"branch:{branch.code}",
        detail={"fields": sorted(body.model_fields_set)},
    )
    return BranchRead.model_validate(branch)


def page(session: Session, cursor: str | None, limit: int) -> Page[BranchRead]:
    """Branches by code, a page at a time."""
    rows, next_cursor = page_of(
        repository.page(session, decode(cursor, 1), limit), limit, lambda b: [b.code]
    )
    return Page(items=[BranchRead.model_validate(b) for b in rows], next_cursor=next_cursor)


def list_all(session: Session) -> list[BranchRead]:
    return [BranchRead.model_validate(b) for b in repository.list_all(session)]


def existing(session: Session, code: str) -> Branch:
    """The branch a URL names: 404 when there is none (and the caller audits nothing)."""
    branch = repository.get(session, code)
    if branch is None:
        raise BranchNotFound("no branch has this code")
    return branch


def require(session: Session, code: str) -> None:
    """A branch a staff account is given must exist: 422 otherwise."""
    if repository.get(session, code) is None:
        raise UnknownBranch(
            f"no branch {code!r}: an administrator adds it first (POST /v1/branches)"
        )
