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

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.config import settings
from app.kit.progress import SILENT, Progress
from app.kit.types import utcnow
from app.payments.errors import LedgerBroken
from app.payments.ledger import accounts as ledger
from app.payments.ledger import checks, repository
from app.payments.ledger.accounts import Account, Leg
from app.payments.models import (
    Side,
    TransferKind,
)


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
    totals = repository.period_totals(session, start, end)
    if not totals:
        return 0
    count = repository.delete_period(session, start, end)
    # Balances are not moved: the totals are what the replaced entries already added up to.
    ledger.post(
        session,
        TransferKind.ROLLUP,
        [
            Leg(Account(account_id, kind, owner), Side(side), total, applied=True)
            for account_id, kind, owner, side, total in totals
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
    first = repository.first_detail_before(session, before)
    months = _months(first, before) if first else []
    progress.start(len(months))
    for start, end in months:
        replaced = _roll_period(session, start, end)
        progress.advance()
        if replaced:
            report.periods += 1
            report.transfers += replaced
    report.sessions = repository.delete_sessions_before(session, before)
    # Kept at least as long as a meter may hold a charge, so a late upload is still recognised.
    key_days = max(settings.idempotency_key_days, settings.offline_charge_max_age_days + 1)
    report.keys = repository.delete_keys_before(session, now - timedelta(days=key_days))
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
