from __future__ import annotations

from datetime import datetime
from typing import Any

from app.kit.schema import Schema


class AuditEventRead(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    hash: str


class AuditPage(Schema):
    items: list[AuditEventRead]
    # The shape every newer list has: pass next_cursor as `cursor` for the next page (None: done).
    next_cursor: str | None
    # The same place as a number, for clients written before next_cursor.
    next_after: int | None


class ChainReport(Schema):
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str | None = None
