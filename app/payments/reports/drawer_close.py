"""Closing a branch's day: the cash counted is recorded beside the cash the books expected (the
day's fees and loads) and the difference, and the close is audited. A day closes once.

Closing moves no money (the ledger keeps what was taken; a difference is a finding for the
supervisor, not a booking), so it needs no Idempotency-Key: a retry gets the 409 of a second
close, which names the first."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.auth.roles import Role
from app.branches import service as branches
from app.kit.dates import city_day
from app.kit.types import new_id, utcnow
from app.payments.errors import DayNotStarted, DrawerAlreadyClosed, NotYourBranch
from app.payments.reports import repository
from app.payments.reports.drawers import close_read, expected_cents
from app.payments.schemas import DrawerCloseRead


def close_drawer(
    session: Session, principal: Principal, branch: str, day: date, counted_cents: int
) -> DrawerCloseRead:
    """Close `branch`'s drawer for the city day `day` with the cash counted; 409 when closed."""
    branches.existing(session, branch)
    if principal.role is Role.CLERK and principal.branch != branch:
        raise NotYourBranch(f"a clerk closes only their own branch's drawer ({principal.branch})")
    if day > city_day(utcnow()):
        raise DayNotStarted("that day has not begun in the city: nothing to close")
    expected = expected_cents(session, branch, day)
    now = utcnow()
    row = {
        "id": new_id(),
        "branch": branch,
        "day": day,
        "expected_cents": expected,
        "counted_cents": counted_cents,
        "difference_cents": counted_cents - expected,
        "closed_by": principal.id,
        "closed_at": now,
    }
    if not repository.add_close(session, row):
        earlier = repository.find_close(session, branch, day)
        assert earlier is not None, "the conflicting close is committed once the insert returns"
        first = close_read(session, earlier)
        raise DrawerAlreadyClosed(
            f"{branch}'s drawer for {day.isoformat()} was closed by {first.closed_by}",
            extra={"close": first.model_dump(mode="json")},
        )
    close = repository.find_close(session, branch, day)
    assert close is not None, "inserted a moment ago"
    audit.record(
        session,
        actor=principal.actor,
        action="payment.drawer.close",
        subject=f"branch:{branch}",
        detail={
            "close": close.id,
            "day": day.isoformat(),
            "expected_cents": expected,
            "counted_cents": counted_cents,
            "difference_cents": counted_cents - expected,
        },
    )
    return close_read(session, close)
