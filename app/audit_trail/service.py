"""The audit trail as an auditor reads it: filtered by day, actor, action and card, actors named,
and the chain's last verification kept as an event of the trail itself.

A verification is recorded as an `audit.verify` event whose detail holds the outcome and how far
it got, so "verified up to which entry, and when" needs no table of its own and is chained like
everything else (a forged "all is well" would break the chain it vouches for).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import repository, service
from app.audit.models import AuditEvent
from app.audit.schemas import ChainReport
from app.auth import repository as users
from app.cards.service import find as find_card
from app.kit.dates import day_bounds
from app.merchants import repository as merchants

VERIFY_ACTION = "audit.verify"
PAGE_SIZE = 100
MAX_SEQ = 2**62


@dataclass(frozen=True)
class TrailFilter:
    since: date | None = None
    until: date | None = None
    # A username, as the auditor knows the person; resolved to the actor the trail stores.
    actor: str = ""
    action: str = ""
    card_number: str = ""
    # Newest first: the page shows the newest matching entries below this seq (None: the newest).
    below: int | None = None


@dataclass(frozen=True)
class TrailEvent:
    seq: int
    at: datetime
    actor: str
    actor_name: str
    action: str
    subject: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChainCheck:
    at: datetime
    ok: bool
    checked: int
    broken_at: int | None


def actor_names(session: Session, actors: set[str]) -> dict[str, str]:
    """The actors of one page by name: staff by username, merchants by name (two reads of the
    page's ids, not of every account)."""
    ids = {
        kind: [a.split(":", 1)[1] for a in actors if a.startswith(f"{kind}:")]
        for kind in ("user", "merchant")
    }
    names = {f"user:{u.id}": u.username for u in users.by_ids(session, ids["user"])}
    names.update({f"merchant:{m.id}": m.name for m in merchants.by_ids(session, ids["merchant"])})
    return names


def events(session: Session, wanted: TrailFilter) -> tuple[list[TrailEvent], int | None]:
    """A page of the trail, newest first, and the seq to continue below for older ones, if any.
    A username or card number that matches nothing answers an empty page, not every event."""
    actor = None
    if wanted.actor:
        account = users.get_by_username(session, wanted.actor)
        if account is None:
            return [], None
        actor = f"user:{account.id}"
    subjects: tuple[str, ...] = ()
    if wanted.card_number:
        # Raises CardNotFound for a number that is not a card's.
        card = find_card(session, wanted.card_number)
        subjects = (f"card:{card.id}", f"applicant:{card.applicant_id}")
    rows = repository.page(
        session,
        after=0,
        below=wanted.below if wanted.below is not None else MAX_SEQ,
        limit=PAGE_SIZE,
        subject=None,
        actor=actor,
        action=wanted.action or None,
        subjects=subjects,
        since=day_bounds(wanted.since)[0] if wanted.since else None,
        before=day_bounds(wanted.until)[1] if wanted.until else None,
    )
    names = actor_names(session, {row.actor for row in rows})
    found = [_event(row, names) for row in rows]
    return found, (found[-1].seq if len(found) == PAGE_SIZE else None)


def _event(row: AuditEvent, names: dict[str, str]) -> TrailEvent:
    return TrailEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        actor_name=names.get(row.actor, row.actor),
        action=row.action,
        subject=row.subject,
        detail=json.loads(row.detail),
    )


def verify_and_record(session: Session, *, actor: str) -> ChainReport:
    """Verify the whole chain and note the outcome in the trail."""
    report = service.verify_chain(session)
    service.record(
        session,
        actor=actor,
        action=VERIFY_ACTION,
        subject="audit:chain",
        detail={"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at},
    )
    return report


def last_check(session: Session) -> ChainCheck | None:
    row = repository.last_of(session, VERIFY_ACTION)
    if row is None:
        return None
    detail = json.loads(row.detail)
    return ChainCheck(
        at=row.at,
        ok=bool(detail.get("ok")),
        checked=int(detail.get("checked", 0)),
        broken_at=detail.get("broken_at"),
    )


def head_seq(session: Session) -> int:
    head = repository.head(session)
    return head.seq if head else 0
