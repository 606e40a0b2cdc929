"""The rollup's SQL: replacing a period's detail by its totals, and forgetting old parking
sessions and idempotency keys. (The hot path's statements, compiled once, are in accounts.py.)"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.payments.models import (
    Charge,
    Fee,
    IdempotencyRecord,
    LedgerEntry,
    LedgerTransfer,
    Load,
    ParkingSession,
    Refund,
    TransferKind,
)


def _detail(start: datetime, end: datetime) -> sa.Select[str]:
    """The transfers booked in [start, end), rollups aside."""
    return sa.select(LedgerTransfer.id).where(
        LedgerTransfer.kind != TransferKind.ROLLUP,
        LedgerTransfer.at >= start,
        LedgerTransfer.at < end,
    )


def first_detail_before(session: Session, before: datetime) -> datetime | None:
    """When the oldest transfer that is not a rollup was booked, if before `before`."""
    return session.scalar(
        sa.select(sa.func.min(LedgerTransfer.at)).where(
            LedgerTransfer.kind != TransferKind.ROLLUP, LedgerTransfer.at < before
        )
    )


def period_totals(session: Session, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(account id, side, cents) summed over the period's transfers, in account and side order."""
    rows = session.execute(
        sa.select(LedgerEntry.account_id, LedgerEntry.side, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.transfer_id.in_(_detail(start, end)))
        .group_by(LedgerEntry.account_id, LedgerEntry.side)
        .order_by(LedgerEntry.account_id, LedgerEntry.side)
    )
    return [(account_id, side, int(total)) for account_id, side, total in rows]


def delete_period(session: Session, start: datetime, end: datetime) -> int:
    """Delete the period's transfers with their entries and what they booked; answers how many
    transfers. A later refund of a charge deleted now keeps its own amount and time."""
    transfers = _detail(start, end)
    count = session.scalar(sa.select(sa.func.count()).select_from(transfers.subquery())) or 0
    charges = sa.select(Charge.id).where(Charge.transfer_id.in_(transfers))
    session.execute(
        sa.update(Refund)
        .where(Refund.charge_id.in_(charges), Refund.transfer_id.not_in(transfers))
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
        .where(
            LedgerTransfer.kind != TransferKind.ROLLUP,
            LedgerTransfer.at >= start,
            LedgerTransfer.at < end,
        )
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
