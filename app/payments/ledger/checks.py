"""`ledger check`: proof that the books hold, from the entries alone.

Every transfer's debits equal its credits and its recorded amount; all debits equal all credits;
every cached balance equals the sum of its account's entries; no stored value is negative; no
charge is refunded beyond its amount, and each charge's refunded total is the sum of its refunds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit import repository as audit_events
from app.audit import service as audit
from app.kit.progress import SILENT, Progress
from app.payments.ledger import accounts as ledger
from app.payments.ledger import repository
from app.payments.models import (
    AccountKind,
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


def _transfers(session: Session, report: LedgerReport) -> None:
    for transfer_id, kind, amount, debit, credit in repository.unbalanced_transfers(
        session, MAX_PROBLEMS
    ):
        report.problems.append(
            f"transfer {transfer_id} ({kind}, {amount} cents): debits {debit} != credits {credit}"
            if debit != credit
            else f"transfer {transfer_id} ({kind}): entries total {debit}, recorded {amount}"
        )
    orphans = repository.orphan_entries(session)
    if orphans:
        report.problems.append(f"{orphans} entries belong to no transfer")


def _balances(session: Session, report: LedgerReport) -> None:
    rows = repository.account_sums(session)
    report.accounts = len(rows)
    for account_id, stored, owner, cached, debit, credit in rows:
        if stored not in set(AccountKind):
            report.problems.append(f"account {account_id} has an unknown kind {stored!r}")
            continue
        kind = AccountKind(stored)
        summed = credit - debit
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
    for charge_id, amount, recorded, total in repository.misrefunded_charges(session, MAX_PROBLEMS):
        report.problems.append(
            f"charge {charge_id} ({amount} cents): refunded {recorded} recorded, {total} in refunds"
        )


def check(session: Session, progress: Progress = SILENT) -> LedgerReport:
    # Four passes: the totals, every transfer, every balance, every charge.
    progress.start(4)
    report = LedgerReport()
    totals = repository.book_totals(session)
    report.transfers, report.entries, report.debits_cents, report.credits_cents = totals
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
