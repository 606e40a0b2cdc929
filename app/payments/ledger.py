"""Accounts, balanced transfers and the cached balances they move: the only writer of all three.

Every account has a normal side: a cardholder's stored value and a merchant's payable are what
the city owes (credit-normal); a branch's cash drawer and a cardholder's shortfall are what the
city holds or is owed (debit-normal). A balance is the sum of the account's entries on its normal
side minus the other side; the cached `balance_cents` must always equal it (`ledger check`).

Locks are always taken in one order, so two transactions never wait on each other in a circle:
idempotency key, account rows being created (by kind, then owner), a charge being refunded or a
parking session being extended, then cardholders' stored value (by account id), each one's
shortfall, a branch drawer; the audit chain head last, at commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.kit.types import new_id, utcnow
from app.payments.models import LedgerAccount, LedgerEntry, LedgerTransfer

STORED_VALUE = "stored_value"
DRAWER = "drawer"
PAYABLE = "payable"
SHORTFALL = "shortfall"

Side = Literal["debit", "credit"]
NORMAL_SIDE: dict[str, Side] = {
    STORED_VALUE: "credit",
    PAYABLE: "credit",
    DRAWER: "debit",
    SHORTFALL: "debit",
}
# Hot accounts with no cached balance: summed from their entries when read.
SUMMED_KINDS = frozenset({PAYABLE})


@dataclass(frozen=True)
class Leg:
    """One side of a transfer. `applied` means the caller already moved the cached balance with a
    conditional UPDATE (a charge's debit), so posting must not move it again."""

    account: LedgerAccount
    side: Side
    amount: int
    applied: bool = False


def signed(kind: str, side: str, amount: int) -> int:
    """The entry's effect on the account's balance."""
    return amount if side == NORMAL_SIDE[kind] else -amount


def insert_ignoring_conflict(
    session: Session, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when this call inserted the row.

    On PostgreSQL a conflicting row another transaction has not committed yet makes this wait for
    that transaction: the loser of a race learns it lost only once the winner's row is final.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(keys))
        # RETURNING rather than rowcount, which drivers do not all report for this statement.
        .returning(table.c[keys[0]])
    )
    return session.execute(statement).first() is not None


def find(
    session: Session, kind: str, owner: str, *, for_update: bool = False
) -> LedgerAccount | None:
    query = sa.select(LedgerAccount).where(LedgerAccount.kind == kind, LedgerAccount.owner == owner)
    if for_update:
        query = query.with_for_update()
    # Balances move by SQL UPDATEs: never trust a copy the session already holds.
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def ensure(session: Session, kind: str, owner: str) -> LedgerAccount:
    """The account, made on first use; two requests making it at once get the same row."""
    account = find(session, kind, owner)
    if account is not None:
        return account
    insert_ignoring_conflict(
        session,
        LedgerAccount.__table__,  # type: ignore[arg-type]  # a mapped class's Table
        {
            "id": new_id(),
            "kind": kind,
            "owner": owner,
            "balance_cents": None if kind in SUMMED_KINDS else 0,
            "spent_cents": 0,
            "created_at": utcnow(),
        },
        ["kind", "owner"],
    )
    account = find(session, kind, owner)
    assert account is not None, "an account inserted or found a moment ago"
    return account


def get(session: Session, account_id: str, *, for_update: bool = False) -> LedgerAccount:
    """The account's row, freshly read; locked for this transaction with `for_update`."""
    query = sa.select(LedgerAccount).where(LedgerAccount.id == account_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def spend(session: Session, account_id: str, amount: int, *, day: date, limit: int) -> int | None:
    """Take `amount` from stored value if the balance covers it and the day's spending stays within
    `limit`; the new balance, or None when refused. One statement: the row lock it takes and
    PostgreSQL's re-check of the WHERE on the newest row version make concurrent charges queue
    on the card instead of overdrawing it, under plain READ COMMITTED."""
    spent_today = sa.case((LedgerAccount.spent_on == day, LedgerAccount.spent_cents), else_=0)
    statement = (
        sa.update(LedgerAccount)
        .where(
            LedgerAccount.id == account_id,
            LedgerAccount.balance_cents >= amount,
            spent_today + amount <= limit,
        )
        .values(
            balance_cents=LedgerAccount.balance_cents - amount,
            spent_cents=spent_today + amount,
            spent_on=day,
        )
        .returning(LedgerAccount.balance_cents)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).scalar_one_or_none()


def _move(session: Session, account_id: str, delta: int) -> int:
    statement = (
        sa.update(LedgerAccount)
        .where(LedgerAccount.id == account_id)
        .values(balance_cents=LedgerAccount.balance_cents + delta)
        .returning(LedgerAccount.balance_cents)
        .execution_options(synchronize_session=False)
    )
    balance = session.execute(statement).scalar_one()
    assert balance is not None, "only cached accounts are moved"
    return balance


def post(
    session: Session, kind: str, legs: Sequence[Leg], *, at: datetime
) -> tuple[LedgerTransfer, dict[str, int]]:
    """Write one balanced transfer and move the cached balances it touches (a plain increment:
    the row lock it takes serialises concurrent movers). Answers the transfer and the new cached
    balances by account id."""
    debits = sum(leg.amount for leg in legs if leg.side == "debit")
    credits = sum(leg.amount for leg in legs if leg.side == "credit")
    if debits != credits or debits <= 0 or any(leg.amount <= 0 for leg in legs):
        raise ValueError(f"unbalanced {kind} transfer: debits {debits}, credits {credits}")
    balances: dict[str, int] = {}
    for leg in legs:
        if leg.applied or leg.account.kind in SUMMED_KINDS:
            continue
        balances[leg.account.id] = _move(
            session, leg.account.id, signed(leg.account.kind, leg.side, leg.amount)
        )
    transfer = LedgerTransfer(id=new_id(), kind=kind, amount_cents=debits, at=at)
    session.add(transfer)
    session.flush()
    session.execute(
        sa.insert(LedgerEntry),
        [
            {
                "transfer_id": transfer.id,
                "account_id": leg.account.id,
                "side": leg.side,
                "amount_cents": leg.amount,
            }
            for leg in legs
        ],
    )
    return transfer, balances


def balance_of(session: Session, account: LedgerAccount) -> int:
    """A balance as the entries say: what summed accounts report, what `ledger check` compares."""
    normal = NORMAL_SIDE[account.kind]
    total = session.scalar(
        sa.select(
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (LedgerEntry.side == normal, LedgerEntry.amount_cents),
                        else_=-LedgerEntry.amount_cents,
                    )
                ),
                0,
            )
        ).where(LedgerEntry.account_id == account.id)
    )
    return int(total or 0)
