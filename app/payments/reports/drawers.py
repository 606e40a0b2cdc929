"""A branch's cash drawer on one city day: per clerk, the fees and loads they took in cash and
the refunds they made (which move no cash), the drawer's balance around the day, and its close.

The cash a close should find is what the day's counter work put in the drawer: fees and loads.
The drawer's ledger balance keeps every day's cash (the deposit to the bank is not booked here),
so `opening_cents` and `closing_cents` are running totals, not what is in the till.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository as users
from app.auth.principal import Principal
from app.branches import service as branches
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.ledger import accounts as ledger
from app.payments.models import (
    AccountKind,
    DrawerClose,
)
from app.payments.reports import repository
from app.payments.schemas import ClerkTotal, DrawerCloseRead, DrawerRead


def _by_clerk(
    session: Session, branch: str, start: datetime, end: datetime
) -> tuple[dict[str, ClerkTotal], int]:
    """Each clerk's day at the branch, by username; and the shortfall the loads paid back."""
    loads = repository.loads_by_clerk(session, branch, start, end)
    fees = repository.fees_by_clerk(session, branch, start, end)
    # Refunds name their staff as the audit trail does ("user:<id>"); the branch is the staff's.
    refunds = {
        actor.removeprefix("user:"): (count, cents)
        for actor, count, cents in repository.refunds_by_staff(session, start, end)
    }
    ids = {clerk for clerk, *_ in loads} | {clerk for clerk, *_ in fees} | set(refunds)
    staff = {user.id: user for user in users.by_ids(session, sorted(ids))}
    clerks: dict[str, ClerkTotal] = {}

    def clerk(user_id: str) -> ClerkTotal:
        name = staff[user_id].username
        return clerks.setdefault(name, ClerkTotal(clerk=name, loads_count=0, loaded_cents=0))

    for user_id, count, total, _ in loads:
        clerk(user_id).loads_count, clerk(user_id).loaded_cents = count, total
    for user_id, count, total in fees:
        clerk(user_id).fees_count, clerk(user_id).fees_cents = count, total
    for user_id, (count, total) in refunds.items():
        if user_id in staff and staff[user_id].branch == branch:
            clerk(user_id).refunds_count, clerk(user_id).refunded_cents = count, total
    return clerks, sum(recovered for *_, recovered in loads)


def _cash_in(totals: Iterable[ClerkTotal]) -> int:
    return sum(t.fees_cents + t.loaded_cents for t in totals)


def expected_cents(session: Session, branch: str, day: date) -> int:
    """The cash the day's fees and loads put in the branch's drawer."""
    clerks, _ = _by_clerk(session, branch, *day_bounds(day))
    return _cash_in(clerks.values())


def close_read(session: Session, close: DrawerClose) -> DrawerCloseRead:
    closer = users.get(session, close.closed_by)
    assert closer is not None  # a foreign key guarantees it
    return DrawerCloseRead(
        branch=close.branch,
        day=close.day,
        expected_cents=close.expected_cents,
        counted_cents=close.counted_cents,
        difference_cents=close.difference_cents,
        closed_by=closer.username,
        closed_at=close.closed_at,
    )


def _drawer_at(
    session: Session, account: ledger.Account | None, start: datetime, end: datetime
) -> tuple[int, int]:
    """The drawer's ledger balance at `start` and at `end`."""
    if account is None:
        return 0, 0
    return repository.debit_normal_balances(session, account.id, start, end)


def drawer(session: Session, reader: Principal, branch: str, day: date | None) -> DrawerRead:
    """The branch's drawer on one city day (today when no date is given)."""
    # An unknown branch is a 404 before anything is audited: the audit trail is forever.
    branches.existing(session, branch)
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    account = ledger.find(session, AccountKind.DRAWER, branch)
    clerks, recovered = _by_clerk(session, branch, start, end)
    totals = [clerks[name] for name in sorted(clerks)]

    opening, closing = _drawer_at(session, account, start, end)
    audit.record(
        session, actor=reader.actor, action="payment.drawer.read", subject=f"branch:{branch}"
    )
    close = repository.find_close(session, branch, day)
    return DrawerRead(
        branch=branch,
        date=day,
        timezone=settings.city_timezone,
        opening_cents=opening,
        loads_count=sum(t.loads_count for t in totals),
        loaded_cents=sum(t.loaded_cents for t in totals),
        closing_cents=closing,
        shortfall_recovered_cents=recovered,
        by_clerk=totals,
        fees_count=sum(t.fees_count for t in totals),
        fees_cents=sum(t.fees_cents for t in totals),
        refunds_count=sum(t.refunds_count for t in totals),
        refunded_cents=sum(t.refunded_cents for t in totals),
        expected_cents=_cash_in(totals),
        closed=close_read(session, close) if close else None,
    )
