"""The audit trail's pages and its chain check over HTTP, for auditors. Here, not in app/audit,
because the route guard sits above audit (every domain the guard reads writes to the trail)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.access.deps import allow
from app.audit import repository, service
from app.audit.schemas import AuditEventRead, AuditPage, ChainReport
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import SessionDep
from app.kit.bounds import MAX_BIGINT
from app.kit.errors import GUARDED, ValidationError, responses

router = APIRouter(prefix="/v1/audit", tags=["audit"])

Auditor = Annotated[Principal, Depends(allow(Role.AUDITOR))]
# A seq in decimal: up to 18 digits stays below a BIGINT's largest value.
CURSOR_PATTERN = r"^(0|[1-9][0-9]{0,17})$"


@router.get("", response_model=AuditPage, responses=responses(*GUARDED, ValidationError))
def list_events(
    session: SessionDep,
    _auditor: Auditor,
    after: Annotated[int, Query(ge=0, le=MAX_BIGINT)] = 0,
    cursor: Annotated[
        str | None,
        Query(
            pattern=CURSOR_PATTERN,
            description="next_cursor of the previous page; when given, `after` is not read.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    subject: Annotated[str | None, Query(max_length=80)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditPage:
    """The audit trail in order, a page at a time (pass next_cursor as `cursor`; `after`, the
    last `seq`, still works)."""
    if cursor is not None:
        after = int(cursor)
    rows = repository.page(
        session, after=after, limit=limit, subject=subject, actor=actor, action=action
    )
    items = [
        AuditEventRead(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            subject=r.subject,
            detail=json.loads(r.detail),
            hash=r.hash,
        )
        for r in rows
    ]
    next_after = items[-1].seq if len(items) == limit else None
    return AuditPage(
        items=items,
        next_cursor=None if next_after is None else str(next_after),
        next_after=next_after,
    )


@router.get("/verify", response_model=ChainReport, responses=responses(*GUARDED))
def verify(session: SessionDep, _auditor: Auditor) -> ChainReport:
    """Recompute the hash chain and say where, if anywhere, it breaks."""
    return service.verify_chain(session)
