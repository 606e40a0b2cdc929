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
    next_after: int | None


class ChainReport(Schema):
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str | None = None
