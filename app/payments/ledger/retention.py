"""Retention: detail older than `transaction_retention_days` becomes per-account monthly totals.

For each month before the cutoff, the month's transfers are replaced by one `rollup` transfer
whose entries are each account's total debits and total credits in that month. Every replaced
transfer balanced, so the rollup balances; the totals per account are unchanged, so every cached
balance still equals its entries and `ledger check` still holds. With the transfers go what they
described (charges, refunds, loads, fees, parking sessions): merchant, purpose, reference, zone, times.
Idempotency keys are forgotten after `idempotency_key_days`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.config import settings
from app.kit.errors import Conflict
from app.kit.progress import SILENT, Progress
from app.kit.types import utcnow
from app.payments.ledger import accounts as ledger
from app.payments.ledger import checks
from app.payments.ledger.accounts import Leg
from app.payments.models import (
    Charge,
    Fee,
    IdempotencyRecord,
    LedgerEntry,
    LedgerTransfer,
    Load,
    ParkingSession,
    Refund,
    Side,
    TransferKind,
)


class LedgerBroken(Conflict):
    pass


@dataclass
class RollupReport:
    before: datetime
    periods: int = 0
    transfers: int = 0
    sessions: int = 0
    keys: int = 0


def _months(first: datetime, before: datetime) -> list[tuple[datetime, datetime]]:
    start = datetime(first.year, first.month, 1, tzinfo=UTC)
    periods = []
    while start < before:
        following = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
        periods.append((start, min(following, before)))
        start = following
    return periods


def _roll_period(session: Session, start: datetime, end: datetime) -> int:
    """Replace one period's transfers by their totals; answers how many were replaced."""
    transfers = sa.select(LedgerTransfer.id).where(
        LedgerTransfer.kind != TransferKind.ROLLUP,
        LedgerTransfer.at >= start,
        LedgerTransfer.at < end,
    )
    totals = session.execute(
        sa.select(LedgerEntry.account_id, LedgerEntry.side, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.transfer_id.in_(transfers))
        .group_by(LedgerEntry.account_id, LedgerEntry.side)
        .order_by(LedgerEntry.account_id, LedgerEntry.side)
    ).all()
    if not totals:
        return 0
    count = session.scalar(sa.select(sa.func.count()).select_from(transfers.subquery())) or 0
    charges = sa.select(Charge.id).where(Charge.transfer_id.in_(transfers))
    # A later refund of a charge rolled up now keeps its own amount and time, not the charge.
    session.execute(
        sa.update(Refund)
        .where(Refund.charge_id.in_(charges), Refund.transfer_id.not_in(transfers))
        .values(charge_id=None)
        .execution_options(synchronize_session=False)
    )
    for detail in (Refund, Charge, Load, Fee):
        session.execute(
            sa.delete(detail)
            .where(detail.transfer_id.in_(transfers))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        sa.delete(LedgerEntry)
        .where(LedgerEntry.transfer_id.in_(transfers))
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
    accounts = {account_id: ledger.by_id(session, account_id) for account_id, _, _ in totals}
    # Balances are not moved: the totals are what the replaced entries already added up to.
    ledger.post(
        session,
        TransferKind.ROLLUP,
        [
            Leg(accounts[account_id], Side(side), int(total), applied=True)
            for account_id, side, total in totals
        ],
        at=start,
    )
    return count


def rollup(
    session: Session, *, before: datetime | None = None, actor: str, progress: Progress = SILENT
) -> RollupReport:
    """Roll up everything booked before `before` (default: the retention period ago)."""
    now = utcnow()
    before = before or now - timedelta(days=settings.transaction_retention_days)
    verdict = checks.check(session)
    if not verdict.ok:
        raise LedgerBroken(f"the ledger does not hold ({verdict.problems[0]}): fix it first")
    report = RollupReport(before=before)
    first = session.scalar(
        sa.select(sa.func.min(LedgerTransfer.at)).where(
            LedgerTransfer.kind != TransferKind.ROLLUP, LedgerTransfer.at < before
        )
    )
    months = _months(first, before) if first else []
    progress.start(len(months))
    for start, end in months:
        replaced = _roll_period(session, start, end)
        progress.advance()
        if replaced:
            report.periods += 1
            report.transfers += replaced
    old_sessions = sa.select(ParkingSession.id).where(ParkingSession.starts_at < before)
    session.execute(
        sa.update(Charge)
        .where(Charge.parking_session_id.in_(old_sessions))
        .values(parking_session_id=None)
        .execution_options(synchronize_session=False)
    )
    report.sessions = session.execute(
        sa.delete(ParkingSession)
        .where(ParkingSession.starts_at < before)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
    # Kept at least as long as a meter may hold a charge, so a late upload is still recognised.
    key_days = max(settings.idempotency_key_days, settings.offline_charge_max_age_days + 1)
    report.keys = session.execute(
        sa.delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < now - timedelta(days=key_days))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # CursorResult has rowcount
    audit.record(
        session,
        actor=actor,
        action="ledger.rollup",
        subject="ledger:rollup",
        detail={
            "periods": report.periods,
            "transfers": report.transfers,
            "sessions": report.sessions,
            "keys": report.keys,
        },
    )
    return report
