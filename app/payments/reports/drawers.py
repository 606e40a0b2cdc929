"""A branch's cash drawer on one city day: per clerk, the fees and loads they took in cash and
the refunds they made (which move no cash), the drawer's balance around the day, and its close.

The cash a close should find is what the day's counter work put in the drawer: fees and loads.
The drawer's ledger balance keeps every day's cash (the deposit to the bank is not booked here),
so `opening_cents` and `closing_cents` are running totals, not what is in the till.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.principal import Principal
from app.branches import service as branches
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.payments.ledger import accounts as ledger
from app.payments.models import (
    AccountKind,
    DrawerClose,
    Fee,
    LedgerEntry,
    LedgerTransfer,
    Load,
    Refund,
)
from app.payments.schemas import ClerkTotal, DrawerCloseRead, DrawerRead


def _by_clerk(
    session: Session, branch: str, start: datetime, end: datetime
) -> tuple[dict[str, ClerkTotal], int]:
    """Each clerk's day at the branch, by username; and the shortfall the loads paid back."""
    clerks: dict[str, ClerkTotal] = {}

    def clerk(name: str) -> ClerkTotal:
        return clerks.setdefault(name, ClerkTotal(clerk=name, loads_count=0, loaded_cents=0))

    loads = session.execute(
        sa.select(
            User.username,
            sa.func.count(),
            sa.func.sum(Load.amount_cents),
            sa.func.sum(Load.recovered_cents),
        )
        .join(User, User.id == Load.clerk_id)
        .where(Load.branch == branch, Load.at >= start, Load.at < end)
        .group_by(User.username)
    ).all()
    for name, count, total, _ in loads:
        clerk(name).loads_count, clerk(name).loaded_cents = int(count), int(total)
    fees = session.execute(
        sa.select(User.username, sa.func.count(), sa.func.sum(Fee.amount_cents))
        .join(User, User.id == Fee.clerk_id)
        .where(Fee.branch == branch, Fee.at >= start, Fee.at < end)
        .group_by(User.username)
    ).all()
    for name, count, total in fees:
        clerk(name).fees_count, clerk(name).fees_cents = int(count), int(total)
    # Refunds name their staff as the audit trail does ("user:<id>"); the branch is the staff's.
    refunds = session.execute(
        sa.select(User.username, sa.func.count(), sa.func.sum(Refund.amount_cents))
        .join(User, sa.literal("user:") + User.id == Refund.refunded_by)
        .where(User.branch == branch, Refund.at >= start, Refund.at < end)
        .group_by(User.username)
    ).all()
    for name, count, total in refunds:
        clerk(name).refunds_count, clerk(name).refunded_cents = int(count), int(total)
    return clerks, sum(int(recovered) for _, _, _, recovered in loads)


def _cash_in(totals: Iterable[ClerkTotal]) -> int:
    return sum(t.fees_cents + t.loaded_cents for t in totals)


def expected_cents(session: Session, branch: str, day: date) -> int:
    """The cash the day's fees and loads put in the branch's drawer."""
    clerks, _ = _by_clerk(session, branch, *day_bounds(day))
    return _cash_in(clerks.values())


def close_read(session: Session, close: DrawerClose) -> DrawerCloseRead:
    closer = session.get(User, close.closed_by)
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


def find_close(session: Session, branch: str, day: date) -> DrawerClose | None:
    query = sa.select(DrawerClose).where(DrawerClose.branch == branch, DrawerClose.day == day)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def _drawer_at(
    session: Session, account: ledger.Account | None, start: datetime, end: datetime
) -> tuple[int, int]:
    """The drawer's ledger balance at `start` and at `end`, summed in one pass over its entries
    (the drawer holds every fee and load ever taken: one pass, not two, is what grows)."""
    if account is None:
        return 0, 0
    signed = sa.case(
        (LedgerEntry.side == "debit", LedgerEntry.amount_cents), else_=-LedgerEntry.amount_cents
    )

    def until(moment: datetime) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((LedgerTransfer.at < moment, signed))), 0)

    row = session.execute(
        sa.select(until(start), until(end))
        .select_from(LedgerEntry)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerEntry.account_id == account.id, LedgerTransfer.at < end)
    ).one()
    return int(row[0]), int(row[1])


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
    close = find_close(session, branch, day)
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
