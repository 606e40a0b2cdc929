"""`ledger check`: proof that the books hold, from the entries alone.

Every transfer's debits equal its credits and its recorded amount; all debits equal all credits;
every cached balance equals the sum of its account's entries; no stored value is negative; no
charge is refunded beyond its amount, and each charge's refunded total is the sum of its refunds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import repository as audit_events
from app.audit import service as audit
from app.kit.progress import SILENT, Progress
from app.payments.ledger import accounts as ledger
from app.payments.models import (
    AccountKind,
    Charge,
    LedgerAccount,
    LedgerEntry,
    LedgerTransfer,
    Refund,
    Side,
)

CHECK_ACTION = "ledger.check"
# Enough to act on; a ledger broken in a million places does not need a million lines.
MAX_PROBLEMS = 50


@dataclass
class LedgerReport:
    transfers: int = 0
    entries: int = 0
    accounts: int = 0
    debits_cents: int = 0
    credits_cents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _debits() -> sa.ColumnElement[int]:
    return sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == "debit", LedgerEntry.amount_cents), else_=0)),
        0,
    )


def _credits() -> sa.ColumnElement[int]:
    return sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == "credit", LedgerEntry.amount_cents), else_=0)),
        0,
    )


def _transfers(session: Session, report: LedgerReport) -> None:
    debits, credits = _debits(), _credits()
    unbalanced = session.execute(
        sa.select(
            LedgerTransfer.id, LedgerTransfer.kind, LedgerTransfer.amount_cents, debits, credits
        )
        .outerjoin(LedgerEntry, LedgerEntry.transfer_id == LedgerTransfer.id)
        .group_by(LedgerTransfer.id, LedgerTransfer.kind, LedgerTransfer.amount_cents)
        .having(
            sa.or_(
                debits != credits,
                debits != LedgerTransfer.amount_cents,
                debits == 0,
            )
        )
        .limit(MAX_PROBLEMS)
    ).all()
    for transfer_id, kind, amount, debit, credit in unbalanced:
        report.problems.append(
            f"transfer {transfer_id} ({kind}, {amount} cents): debits {debit} != credits {credit}"
            if debit != credit
            else f"transfer {transfer_id} ({kind}): entries total {debit}, recorded {amount}"
        )
    orphans = session.scalar(
        sa.select(sa.func.count())
        .select_from(LedgerEntry)
        .outerjoin(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerTransfer.id.is_(None))
    )
    if orphans:
        report.problems.append(f"{orphans} entries belong to no transfer")


def _balances(session: Session, report: LedgerReport) -> None:
    # The kind as stored, not as AccountKind: a row of an unknown kind is a problem to report,
    # not a crash of the check.
    stored_kind = sa.type_coerce(LedgerAccount.kind, sa.String())
    rows = session.execute(
        sa.select(
            LedgerAccount.id,
            stored_kind,
            LedgerAccount.owner,
            LedgerAccount.balance_cents,
            _debits(),
            _credits(),
        )
        .outerjoin(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .group_by(LedgerAccount.id, stored_kind, LedgerAccount.owner, LedgerAccount.balance_cents)
    ).all()
    report.accounts = len(rows)
    for account_id, stored, owner, cached, debit, credit in rows:
        if stored not in set(AccountKind):
            report.problems.append(f"account {account_id} has an unknown kind {stored!r}")
            continue
        kind = AccountKind(stored)
        summed = int(credit) - int(debit)
        if ledger.NORMAL_SIDE[kind] is Side.DEBIT:
            summed = -summed
        if cached is not None and cached != summed:
            report.problems.append(
                f"{kind} account {account_id} ({owner}): cached balance {cached} != entries {summed}"
            )
        if kind in ledger.SUMMED_KINDS and cached is not None:
            report.problems.append(f"{kind} account {account_id} caches a balance it must not")
        # No account can go below zero: cards are not overdrawn, drawers hold what was taken,
        # refunds never exceed what a merchant was paid, recoveries never exceed what is owed.
        if summed < 0:
            report.problems.append(f"{kind} account {account_id} ({owner}) is negative: {summed}")


def _charges(session: Session, report: LedgerReport) -> None:
    refunded = (
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0))
        .where(Refund.charge_id == Charge.id)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(Charge.id, Charge.amount_cents, Charge.refunded_cents, refunded)
        .where(
            sa.or_(Charge.refunded_cents != refunded, Charge.refunded_cents > Charge.amount_cents)
        )
        .limit(MAX_PROBLEMS)
    ).all()
    for charge_id, amount, recorded, total in rows:
        report.problems.append(
            f"charge {charge_id} ({amount} cents): refunded {recorded} recorded, {total} in refunds"
        )


def check(session: Session, progress: Progress = SILENT) -> LedgerReport:
    # Four passes: the totals, every transfer, every balance, every charge.
    progress.start(4)
    report = LedgerReport()
    report.transfers = session.scalar(sa.select(sa.func.count()).select_from(LedgerTransfer)) or 0
    report.entries = session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0
    debits, credits = session.execute(sa.select(_debits(), _credits())).one()
    report.debits_cents, report.credits_cents = int(debits), int(credits)
    if report.debits_cents != report.credits_cents:
        report.problems.append(
            f"all debits {report.debits_cents} != all credits {report.credits_cents}"
        )
    progress.advance()
    for one_pass in (_transfers, _balances, _charges):
        one_pass(session, report)
        progress.advance()
    return report


@dataclass(frozen=True)
class LastCheck:
    at: datetime
    ok: bool
    problems: int
    transfers: int
    entries: int


def check_and_record(session: Session, *, actor: str) -> LedgerReport:
    """Run the check and note its outcome in the audit trail (counts only, never the problems'
    text), which is where the last check is read back from."""
    report = check(session)
    audit.record(
        session,
        actor=actor,
        action=CHECK_ACTION,
        subject="ledger:books",
        detail={
            "ok": report.ok,
            "problems": len(report.problems),
            "transfers": report.transfers,
            "entries": report.entries,
        },
    )
    return report


def last_check(session: Session) -> LastCheck | None:
    row = audit_events.last_of(session, CHECK_ACTION)
    if row is None:
        return None
    detail = json.loads(row.detail)
    return LastCheck(
        at=row.at,
        ok=bool(detail.get("ok")),
        problems=int(detail.get("problems", 0)),
        transfers=int(detail.get("transfers", 0)),
        entries=int(detail.get("entries", 0)),
    )
