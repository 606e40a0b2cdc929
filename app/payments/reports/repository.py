"""The reports' SQL: what the books say about a drawer's day and a cardholder's statement.

Other domains' rows (merchants' names, staff usernames) are not joined here: the services read
them through app.merchants.repository and app.auth.repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.payments.ledger.accounts_repository import insert_ignoring_conflict
from app.payments.models import (
    Charge,
    DrawerClose,
    Fee,
    LedgerEntry,
    LedgerTransfer,
    Load,
    ParkingSession,
    Refund,
    Side,
)


def loads_by_clerk(
    session: Session, branch: str, start: datetime, end: datetime
) -> list[tuple[str, int, int, int]]:
    """(clerk id, loads, cents loaded, shortfall they paid back) at the branch in [start, end)."""
    rows = session.execute(
        sa.select(
            Load.clerk_id,
            sa.func.count(),
            sa.func.sum(Load.amount_cents),
            sa.func.sum(Load.recovered_cents),
        )
        .where(Load.branch == branch, Load.at >= start, Load.at < end)
        .group_by(Load.clerk_id)
    )
    return [(clerk, int(n), int(cents), int(back)) for clerk, n, cents, back in rows]


def fees_by_clerk(
    session: Session, branch: str, start: datetime, end: datetime
) -> list[tuple[str, int, int]]:
    """(clerk id, fees, cents) taken at the branch in [start, end)."""
    rows = session.execute(
        sa.select(Fee.clerk_id, sa.func.count(), sa.func.sum(Fee.amount_cents))
        .where(Fee.branch == branch, Fee.at >= start, Fee.at < end)
        .group_by(Fee.clerk_id)
    )
    return [(clerk, int(n), int(cents)) for clerk, n, cents in rows]


def refunds_by_staff(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, int, int]]:
    """(who refunded, as the audit trail names them, refunds, cents) in [start, end)."""
    rows = session.execute(
        sa.select(Refund.refunded_by, sa.func.count(), sa.func.sum(Refund.amount_cents))
        .where(Refund.refunded_by.startswith("user:"), Refund.at >= start, Refund.at < end)
        .group_by(Refund.refunded_by)
    )
    return [(actor, int(n), int(cents)) for actor, n, cents in rows]


def debit_normal_balances(
    session: Session, account_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """A debit-normal account's balance at `start` and at `end`, summed in one pass over its
    entries (a drawer holds every fee and load ever taken: one pass, not two, is what grows)."""
    signed = sa.case(
        (LedgerEntry.side == Side.DEBIT, LedgerEntry.amount_cents),
        else_=-LedgerEntry.amount_cents,
    )

    def until(moment: datetime) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((LedgerTransfer.at < moment, signed))), 0)

    row = session.execute(
        sa.select(until(start), until(end))
        .select_from(LedgerEntry)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerEntry.account_id == account_id, LedgerTransfer.at < end)
    ).one()
    return int(row[0]), int(row[1])


def entries_page(
    session: Session, account_id: str, limit: int, before: int | None
) -> list[tuple[LedgerEntry, LedgerTransfer]]:
    """An account's entries with their transfers, newest first, from just before entry `before`
    (which must be the account's: otherwise there is no page)."""
    query = (
        sa.select(LedgerEntry, LedgerTransfer)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerEntry.account_id == account_id)
    )
    if before is not None:
        cursor = session.execute(
            sa.select(LedgerTransfer.at, LedgerEntry.id)
            .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
            .where(LedgerEntry.id == before, LedgerEntry.account_id == account_id)
        ).one_or_none()
        if cursor is None:
            return []
        query = query.where(sa.tuple_(LedgerTransfer.at, LedgerEntry.id) < tuple(cursor))
    newest_first = (sa.desc(LedgerTransfer.at), sa.desc(LedgerEntry.id))
    rows = session.execute(query.order_by(*newest_first).limit(limit))
    return [(entry, transfer) for entry, transfer in rows]


def balance_through(
    session: Session, account_id: str, normal: Side, at: datetime, entry_id: int
) -> int:
    """The account's balance after every entry up to and including (at, entry_id)."""
    amount = LedgerEntry.amount_cents
    signed = sa.func.sum(sa.case((LedgerEntry.side == normal, amount), else_=-amount))
    total = session.scalar(
        sa.select(sa.func.coalesce(signed, 0))
        .select_from(LedgerEntry)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(
            LedgerEntry.account_id == account_id,
            sa.tuple_(LedgerTransfer.at, LedgerEntry.id) <= (at, entry_id),
        )
    )
    return int(total or 0)


def charges_of_transfers(
    session: Session, transfer_ids: Sequence[str]
) -> dict[str, tuple[Charge, str | None]]:
    """The charges these transfers booked, with the parking zone of each, by transfer id."""
    rows = session.execute(
        sa.select(Charge, ParkingSession.zone_code)
        .outerjoin(ParkingSession, ParkingSession.id == Charge.parking_session_id)
        .where(Charge.transfer_id.in_(transfer_ids))
    )
    return {charge.transfer_id: (charge, zone) for charge, zone in rows}


def refunds_of_transfers(
    session: Session, transfer_ids: Sequence[str]
) -> dict[str, tuple[Refund, str | None]]:
    """The refunds these transfers booked, with the receipt number of the charge each gave back
    (None once the charge was rolled up), by transfer id."""
    rows = session.execute(
        sa.select(Refund, Charge.receipt_number)
        .outerjoin(Charge, Charge.id == Refund.charge_id)
        .where(Refund.transfer_id.in_(transfer_ids))
    )
    return {refund.transfer_id: (refund, receipt) for refund, receipt in rows}


def load_branches(session: Session, transfer_ids: Sequence[str]) -> dict[str, str]:
    """The branch of each load these transfers booked, by transfer id."""
    query = sa.select(Load.transfer_id, Load.branch).where(Load.transfer_id.in_(transfer_ids))
    branches: dict[str, str] = dict(session.execute(query).all())
    return branches


def charges_by_purpose(
    session: Session, merchant_id: str, start: datetime, end: datetime
) -> list[tuple[str, int, int, int]]:
    """(purpose, charges, cents, shortfall cents) of a merchant's charges in [start, end)."""
    rows = session.execute(
        sa.select(
            Charge.purpose,
            sa.func.count(),
            sa.func.sum(Charge.amount_cents),
            sa.func.sum(Charge.shortfall_cents),
        )
        .where(Charge.merchant_id == merchant_id, Charge.at >= start, Charge.at < end)
        .group_by(Charge.purpose)
        .order_by(Charge.purpose)
    )
    return [(purpose, int(n), int(cents), int(short)) for purpose, n, cents, short in rows]


def find_close(session: Session, branch: str, day: date) -> DrawerClose | None:
    query = sa.select(DrawerClose).where(DrawerClose.branch == branch, DrawerClose.day == day)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def add_close(session: Session, row: dict[str, object]) -> bool:
    """Insert a day's close; False when the (branch, day) is closed already. The unique
    (branch, day) decides between two closes at once: the second waits, then loses."""
    table: sa.Table = DrawerClose.__table__  # type: ignore[assignment]  # a mapped class's Table
    return insert_ignoring_conflict(session, table, row, ["branch", "day"])
