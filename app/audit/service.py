"""Appending to the audit trail and proving it unbroken.

Services call `record()` at any point of their work; the events are chained and written when the
request's transaction commits, so the chain head is locked only for the last moment of a
transaction, and an event is kept exactly when the work it describes is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.models import AuditEvent
from app.audit.schemas import ChainReport
from app.db import READ_ONLY, session_factory
from app.kit.progress import SILENT, Progress
from app.kit.types import utcnow

_PENDING = "audit_pending"
# Progress is reported in batches: a callback per row would cost more than the hashing.
PROGRESS_EVERY = 500


@dataclass
class _Pending:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any] = field(default_factory=dict)


def record(
    session: Session, *, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None
) -> None:
    """Note an event; it is chained and stored when this session commits."""
    session.info.setdefault(_PENDING, []).append(
        _Pending(at=utcnow(), actor=actor, action=action, subject=subject, detail=detail or {})
    )


def _digest(
    prev_hash: str, seq: int, at: datetime, actor: str, action: str, subject: str, detail: str
) -> str:
    """The link: sha256 of the JSON array [prev_hash, seq, at, actor, action, subject, detail],
    written with no spaces and the text as it is (json.dumps of the whole list writes the same)."""
    head = json.dumps(prev_hash, ensure_ascii=False) + "," + str(seq)
    body = "[" + head + "," + _tail(at, actor, action, subject, detail)
    return hashlib.sha256(body.encode()).hexdigest()


def _tail(at: datetime, actor: str, action: str, subject: str, detail: str) -> str:
    """The link's text after the previous hash and the seq, with its closing "]". On PostgreSQL
    the database, which alone knows the head under its lock, writes those two in front of it
    (audit/repository.py); a hex hash needs no escaping and an integer is its digits, so both
    sides hash the text `_digest` builds here, and `verify_chain` recomputes every link with it."""
    rest = [at.isoformat(timespec="microseconds"), actor, action, subject, detail]
    return json.dumps(rest, ensure_ascii=False, separators=(",", ":"))[1:]


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    if session.get_bind().get_execution_options().get(READ_ONLY):
        # An audited read (a GET) runs read-only, so it never waits for SQLite's write lock while
        # reading; its events are written by a short transaction of their own before it ends.
        # If that fails, the commit fails and the reader gets an error, not the data.
        with session_factory()() as writer, writer.begin():
            writer.info[_PENDING] = pending
        return
    if session.get_bind().dialect.name == "postgresql":
        for item in pending:
            detail = _detail_text(item)
            repository.append_in_database(
                session,
                tail=_tail(item.at, item.actor, item.action, item.subject, detail),
                at=item.at,
                actor=item.actor,
                action=item.action,
                subject=item.subject,
                detail=detail,
            )
        return
    head = repository.lock_head(session)
    for item in pending:
        seq = head.seq + 1
        detail = _detail_text(item)
        digest = _digest(head.hash, seq, item.at, item.actor, item.action, item.subject, detail)
        repository.add(
            session,
            AuditEvent(
                seq=seq,
                at=item.at,
                actor=item.actor,
                action=item.action,
                subject=item.subject,
                detail=detail,
                prev_hash=head.hash,
                hash=digest,
            ),
        )
        head.seq, head.hash = seq, digest


def _detail_text(item: _Pending) -> str:
    return json.dumps(item.detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def verify_chain(session: Session, progress: Progress = SILENT) -> ChainReport:
    """Recompute every link; an edited, inserted or deleted row breaks it."""
    head = repository.head(session)
    progress.start(head.seq if head else 0)
    rows = repository.iter_chain(session)
    try:
        report, checked, last_hash = _walk(rows, progress)
    finally:
        rows.close()  # a server-side cursor stays open when we stop at a break
    if report is not None:
        return report
    head_seq, head_hash = (head.seq, head.hash) if head else (0, repository.GENESIS)
    if (head_seq, head_hash) != (checked, last_hash):
        return ChainReport(
            ok=False, checked=checked, broken_at=checked + 1, problem="rows at the end are missing"
        )
    return ChainReport(ok=True, checked=checked)


def _walk(rows: Iterable[AuditEvent], progress: Progress) -> tuple[ChainReport | None, int, str]:
    expected_prev = repository.GENESIS
    expected_seq = 1
    checked = 0
    for row in rows:
        if row.seq != expected_seq:
            return (
                ChainReport(
                    ok=False, checked=checked, broken_at=expected_seq, problem="a row is missing"
                ),
                checked,
                expected_prev,
            )
        if row.prev_hash != expected_prev:
            return (
                ChainReport(
                    ok=False,
                    checked=checked,
                    broken_at=row.seq,
                    problem="the link to the previous row is broken",
                ),
                checked,
                expected_prev,
            )
        digest = _digest(
            row.prev_hash, row.seq, row.at, row.actor, row.action, row.subject, row.detail
        )
        if digest != row.hash:
            return (
                ChainReport(
                    ok=False, checked=checked, broken_at=row.seq, problem="the row was edited"
                ),
                checked,
                expected_prev,
            )
        expected_prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
        if checked % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
    progress.advance(checked % PROGRESS_EVERY)
    return None, checked, expected_prev
