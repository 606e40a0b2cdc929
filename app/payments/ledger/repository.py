"""The ledger's SQL beyond the hot path (whose statements, compiled once, are in
accounts_repository.py): `ledger check`'s passes over the books, and the rollup replacing a
period's detail by its totals and forgetting old parking sessions and idempotency keys. Both span
every payments table: the books are checked and rolled up as one."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.payments.models import (
    AccountKind,
    Charge,
    Fee,
    IdempotencyRecord,
    LedgerAccount,
    LedgerEntry,
    LedgerTransfer,
    Load,
    ParkingSession,
    Refund,
    Side,
    TransferKind,
)


def _debits() -> sa.ColumnElement[int]:
    return sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == Side.DEBIT, LedgerEntry.amount_cents), else_=0)),
        0,
    )


def _credits() -> sa.ColumnElement[int]:
    return sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == Side.CREDIT, LedgerEntry.amount_cents), else_=0)),
        0,
    )


def book_totals(session: Session) -> tuple[int, int, int, int]:
    """(transfers, entries, all debits, all credits) in the books."""
    transfers = session.scalar(sa.select(sa.func.count()).select_from(LedgerTransfer)) or 0
    # The entries' count and sums in one pass over them.
    entries, debits, credits = session.execute(
        sa.select(sa.func.count(), _debits(), _credits()).select_from(LedgerEntry)
    ).one()
    return int(transfers), int(entries), int(debits), int(credits)


def _bytewise(session: Session, id_column: InstrumentedAttribute[str]) -> sa.ColumnElement[str]:
    """An id compared byte by byte ("C" in PostgreSQL; SQLite's BINARY is its default anyway).

    Ids are ASCII, so only the plan changes: no index on an id is in this order, so PostgreSQL
    reads the entries once in storage order and sorts or hashes them, instead of walking the
    index and reading the entries' rows in random order, as it chose to (docs/benchmarks.md)."""
    collation = "C" if session.get_bind().dialect.name == "postgresql" else "BINARY"
    return sa.collate(id_column, collation)


def _entry_sums(session: Session, by: InstrumentedAttribute[str]) -> sa.Subquery:
    """Debits and credits summed per `by` (a transfer or an account), in one pass over the
    entries: summed first, then joined to the transfers or accounts on `owner_id`."""
    owner_id = _bytewise(session, by)
    return (
        sa.select(
            owner_id.label("owner_id"), _debits().label("debits"), _credits().label("credits")
        )
        .group_by(owner_id)
        .subquery()
    )


def unbalanced_transfers(session: Session, limit: int) -> list[tuple[str, str, int, int, int]]:
    """(transfer id, kind, recorded amount, debits, credits) of transfers whose entries do not
    balance or do not add up to the amount recorded (or are missing), at most `limit`."""
    sums = _entry_sums(session, LedgerEntry.transfer_id)
    # A transfer without entries has no row in the sums: nothing debited, nothing credited.
    debits = sa.func.coalesce(sums.c.debits, 0)
    credits = sa.func.coalesce(sums.c.credits, 0)
    # The kind as stored: a report of a broken book must not itself break on a bad row.
    kind = sa.type_coerce(LedgerTransfer.kind, sa.String())
    rows = session.execute(
        sa.select(LedgerTransfer.id, kind, LedgerTransfer.amount_cents, debits, credits)
        .outerjoin(sums, sums.c.owner_id == _bytewise(session, LedgerTransfer.id))
        .where(
            sa.or_(
                debits != credits,
                debits != LedgerTransfer.amount_cents,
                debits == 0,
            )
        )
        .limit(limit)
    )
    return [(t, k, int(amount), int(d), int(c)) for t, k, amount, d, c in rows]


def orphan_entries(session: Session) -> int:
    """How many entries belong to no transfer."""
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(LedgerEntry)
        .outerjoin(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerTransfer.id.is_(None))
    )
    return int(count or 0)


def account_sums(session: Session) -> list[tuple[str, str, str, int | None, int, int]]:
    """(account id, kind as stored, owner, cached balance, debits, credits) of every account.

    The kind is read as stored, not as AccountKind: a row of an unknown kind is a problem for
    the check to report, not a crash of the check."""
    sums = _entry_sums(session, LedgerEntry.account_id)
    stored_kind = sa.type_coerce(LedgerAccount.kind, sa.String())
    rows = session.execute(
        sa.select(
            LedgerAccount.id,
            stored_kind,
            LedgerAccount.owner,
            LedgerAccount.balance_cents,
            sa.func.coalesce(sums.c.debits, 0),
            sa.func.coalesce(sums.c.credits, 0),
        ).outerjoin(sums, sums.c.owner_id == _bytewise(session, LedgerAccount.id))
    )
    return [(a, k, o, cached, int(d), int(c)) for a, k, o, cached, d, c in rows]


def misrefunded_charges(session: Session, limit: int) -> list[tuple[str, int, int, int]]:
    """(charge id, amount, refunded as recorded, refunded as its refunds add up) of charges
    whose two refunded totals differ or exceed the amount, at most `limit`."""
    # The few refunds summed once and joined, rather than summed again for every charge.
    sums = (
        sa.select(Refund.charge_id, sa.func.sum(Refund.amount_cents).label("total"))
        .group_by(Refund.charge_id)
        .subquery()
    )
    refunded = sa.func.coalesce(sums.c.total, 0)
    rows = session.execute(
        sa.select(Charge.id, Charge.amount_cents, Charge.refunded_cents, refunded)
        .outerjoin(sums, sums.c.charge_id == Charge.id)
        .where(
            sa.or_(Charge.refunded_cents != refunded, Charge.refunded_cents > Charge.amount_cents)
        )
        .limit(limit)
    )
    return [(c, int(amount), int(recorded), int(total)) for c, amount, recorded, total in rows]


def _in_period(start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """A transfer booked in [start, end), rollups aside: the period's detail."""
    return sa.and_(
        LedgerTransfer.kind != TransferKind.ROLLUP,
        LedgerTransfer.at >= start,
        LedgerTransfer.at < end,
    )


def _detail(start: datetime, end: datetime) -> sa.Select[str]:
    """The ids of the period's detail transfers."""
    return sa.select(LedgerTransfer.id).where(_in_period(start, end))


def first_detail_before(session: Session, before: datetime) -> datetime | None:
    """When the oldest transfer that is not a rollup was booked, if before `before`."""
    return session.scalar(
        sa.select(sa.func.min(LedgerTransfer.at)).where(
            LedgerTransfer.kind != TransferKind.ROLLUP, LedgerTransfer.at < before
        )
    )


def period_totals(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, AccountKind, str, str, int]]:
    """(account id, kind, owner, side, cents) summed over the period's transfers, in account and
    side order. The account's kind and owner come in the same query: read one account at a
    time, a month at 1.5 million holders was a SELECT for each of its accounts."""
    sums = (
        sa.select(
            LedgerEntry.account_id,
            LedgerEntry.side,
            sa.func.sum(LedgerEntry.amount_cents).label("total"),
        )
        .where(LedgerEntry.transfer_id.in_(_detail(start, end)))
        .group_by(LedgerEntry.account_id, LedgerEntry.side)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            sums.c.account_id, LedgerAccount.kind, LedgerAccount.owner, sums.c.side, sums.c.total
        )
        .join(LedgerAccount, LedgerAccount.id == sums.c.account_id)
        .order_by(sums.c.account_id, sums.c.side)
    )
    return [(id, kind, owner, side, int(total)) for id, kind, owner, side, total in rows]


def delete_period(session: Session, start: datetime, end: datetime) -> int:
    """Delete the period's transfers with their entries and what they booked; answers how many
    transfers. A later refund of a charge deleted now keeps its own amount and time."""
    transfers = _detail(start, end)
    count = session.scalar(sa.select(sa.func.count()).select_from(transfers.subquery())) or 0
    charges = sa.select(Charge.id).where(Charge.transfer_id.in_(transfers))
    # NOT EXISTS, not NOT IN: PostgreSQL cannot make NOT IN an anti-join, and a month's
    # transfers do not fit the hash it would use instead, so it compared every refund with
    # every transfer of the month (at 1.5 million holders, minutes for one statement).
    # transfer_id is never NULL, so the two mean the same.
    refunded_in_period = sa.exists().where(
        LedgerTransfer.id == Refund.transfer_id, _in_period(start, end)
    )
    session.execute(
        sa.update(Refund)
        .where(Refund.charge_id.in_(charges), ~refunded_in_period)
        .values(charge_id=None)
        .execution_options(synchronize_session=False)
    )
    for detail in (Refund, Charge, Load, Fee, LedgerEntry):
        session.execute(
            sa.delete(detail)
            .where(detail.transfer_id.in_(transfers))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        sa.delete(LedgerTransfer)
        .where(_in_period(start, end))
        .execution_options(synchronize_session=False)
    )
    return count


def delete_sessions_before(session: Session, before: datetime) -> int:
    """Delete parking sessions that started before `before` (their charges forget them)."""
    old_sessions = sa.select(ParkingSession.id).where(ParkingSession.starts_at < before)
    session.execute(
        sa.update(Charge)
        .where(Charge.parking_session_id.in_(old_sessions))
        .values(parking_session_id=None)
        .execution_options(synchronize_session=False)
    )
    deleted: int = session.execute(
        sa.delete(ParkingSession)
        .where(ParkingSession.starts_at < before)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
    return deleted


def delete_keys_before(session: Session, before: datetime) -> int:
    """Delete idempotency keys created before `before`."""
    deleted: int = session.execute(
        sa.delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < before)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
    return deleted


def moved_by_kind(session: Session) -> dict[str, int]:
    """Cents moved through the ledger, by kind of transfer, for /metrics."""
    kind = sa.type_coerce(LedgerTransfer.kind, sa.String())  # as stored, known or not
    rows = session.execute(
        sa.select(kind, sa.func.sum(LedgerTransfer.amount_cents)).group_by(kind)
    ).all()
    return {str(k): int(c or 0) for k, c in rows}
