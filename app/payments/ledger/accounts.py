"""Accounts, balanced transfers and the cached balances they move: the only writer of all three.

Every account has a normal side: a cardholder's stored value and a merchant's payable are what
the city owes (credit-normal), as is the city's fee revenue; a branch's cash drawer and a cardholder's shortfall are what the
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
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.kit.types import UTCDateTime, new_id, utcnow
from app.payments.models import AccountKind, LedgerAccount, LedgerEntry, Side, TransferKind

CITY = "city"
# Staff accounts always have a branch; this names the drawer if one somehow has none.
DEFAULT_BRANCH = "city-hall"

NORMAL_SIDE: dict[AccountKind, Side] = {
    AccountKind.STORED_VALUE: Side.CREDIT,
    AccountKind.PAYABLE: Side.CREDIT,
    AccountKind.DRAWER: Side.DEBIT,
    AccountKind.SHORTFALL: Side.DEBIT,
    AccountKind.FEE_REVENUE: Side.CREDIT,
}
# Hot accounts with no cached balance: summed from their entries when read.
SUMMED_KINDS = frozenset({AccountKind.PAYABLE, AccountKind.FEE_REVENUE})


@dataclass(frozen=True)
class Account:
    """Which account: its row's identity. Balances are read from the row when needed, never
    carried around where they could go stale."""

    id: str
    kind: AccountKind
    owner: str


@dataclass(frozen=True)
class Leg:
    """One side of a transfer. `applied` means the caller already moved the cached balance with a
    conditional UPDATE (a charge's debit), so posting must not move it again."""

    account: Account
    side: Side
    amount: int
    applied: bool = False


def signed(kind: AccountKind, side: Side, amount: int) -> int:
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


# What every charge runs is plain SQL compiled once: building these statements from the ORM on
# each call costs about three times the Python of running them (see bench/charges.py).
_FIND = sa.text("SELECT id, kind, owner FROM ledger_accounts WHERE kind = :kind AND owner = :owner")
_FIND_PAIR = sa.text(
    "SELECT id, kind, owner FROM ledger_accounts"
    " WHERE (kind = :kind_a AND owner = :owner_a) OR (kind = :kind_b AND owner = :owner_b)"
)
_SPEND = sa.text(
    "UPDATE ledger_accounts SET balance_cents = balance_cents - :amount,"
    " spent_cents = CASE WHEN spent_on = :day THEN spent_cents ELSE 0 END + :amount,"
    " spent_on = :day"
    " WHERE id = :id AND balance_cents >= :amount"
    " AND CASE WHEN spent_on = :day THEN spent_cents ELSE 0 END + :amount <= :limit"
    " RETURNING balance_cents"
).bindparams(sa.bindparam("day", type_=sa.Date()))
# An offline stay made today counts in today's spending the way the online limit does.
_COUNT_SPENT = sa.text(
    "UPDATE ledger_accounts SET"
    " spent_cents = CASE WHEN spent_on = :day THEN spent_cents ELSE 0 END + :amount,"
    " spent_on = :day WHERE id = :id"
).bindparams(sa.bindparam("day", type_=sa.Date()))
_MOVE = sa.text(
    "UPDATE ledger_accounts SET balance_cents = balance_cents + :delta WHERE id = :id"
    " RETURNING balance_cents"
)
_TRANSFER = sa.text(
    "INSERT INTO ledger_transfers (id, kind, amount_cents, at) VALUES (:id, :kind, :amount, :at)"
).bindparams(sa.bindparam("at", type_=UTCDateTime()))
_ENTRY = sa.text(
    "INSERT INTO ledger_entries (transfer_id, account_id, side, amount_cents)"
    " VALUES (:transfer_id, :account_id, :side, :amount)"
)
_IDENTITY = (LedgerAccount.id, LedgerAccount.kind, LedgerAccount.owner)


def find(session: Session, kind: AccountKind, owner: str) -> Account | None:
    row = session.execute(_FIND, {"kind": kind, "owner": owner}).first()
    return None if row is None else Account(row[0], AccountKind(row[1]), row[2])


def find_pair(
    session: Session, a: tuple[AccountKind, str], b: tuple[AccountKind, str]
) -> dict[tuple[AccountKind, str], Account]:
    """Two accounts by (kind, owner) in one query; those that exist."""
    rows = session.execute(
        _FIND_PAIR, {"kind_a": a[0], "owner_a": a[1], "kind_b": b[0], "owner_b": b[1]}
    )
    found = (Account(id, AccountKind(kind), owner) for id, kind, owner in rows)
    return {(account.kind, account.owner): account for account in found}


def ensure(session: Session, kind: AccountKind, owner: str) -> Account:
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


def by_id(session: Session, account_id: str) -> Account:
    id, kind, owner = session.execute(
        sa.select(*_IDENTITY).where(LedgerAccount.id == account_id)
    ).one()
    return Account(id, kind, owner)


def cached_balance(session: Session, account: Account, *, lock: bool = False) -> int:
    """The account's cached balance; with `lock`, its row stays locked until the transaction ends."""
    query = sa.select(LedgerAccount.balance_cents).where(LedgerAccount.id == account.id)
    if lock:
        # FOR NO KEY UPDATE: enough to queue other movers, while inserts that merely reference
        # the account (entries, charges) need not wait for it.
        query = query.with_for_update(key_share=True)
    balance = session.execute(query).scalar_one()
    assert balance is not None, f"{account.kind} accounts are summed, not cached"
    return balance


def cached_balances(session: Session, kind: AccountKind, owners: Sequence[str]) -> dict[str, int]:
    """Cached balances of many owners' accounts of one kind, by owner (no account: left out)."""
    assert kind not in SUMMED_KINDS, f"{kind} accounts are summed, not cached"
    query = sa.select(LedgerAccount.owner, LedgerAccount.balance_cents).where(
        LedgerAccount.kind == kind, LedgerAccount.owner.in_(owners)
    )
    return {owner: int(balance or 0) for owner, balance in session.execute(query)}


def spent_today(session: Session, account: Account, day: date) -> int:
    """What the cardholder has spent on the city day `day`."""
    spent_on, spent = session.execute(
        sa.select(LedgerAccount.spent_on, LedgerAccount.spent_cents).where(
            LedgerAccount.id == account.id
        )
    ).one()
    return int(spent) if spent_on == day else 0


def spend(session: Session, account_id: str, amount: int, *, day: date, limit: int) -> int | None:
    """Take `amount` from stored value if the balance covers it and the day's spending stays within
    `limit`; the new balance, or None when refused. One statement: the row lock it takes and
    PostgreSQL's re-check of the WHERE on the newest row version make concurrent charges queue
    on the card instead of overdrawing it, under plain READ COMMITTED."""
    return session.execute(
        _SPEND, {"id": account_id, "amount": amount, "day": day, "limit": limit}
    ).scalar_one_or_none()


def count_spent(session: Session, account_id: str, amount: int, *, day: date) -> None:
    """Add `amount` to what the card spent on `day` without moving its balance (an offline
    charge, which its balance and shortfall already paid)."""
    session.execute(_COUNT_SPENT, {"id": account_id, "amount": amount, "day": day})


def _move(session: Session, account_id: str, delta: int) -> int:
    balance = session.execute(_MOVE, {"id": account_id, "delta": delta}).scalar_one()
    assert balance is not None, "only cached accounts are moved"
    return int(balance)


def post(
    session: Session, kind: TransferKind, legs: Sequence[Leg], *, at: datetime
) -> tuple[str, dict[str, int]]:
    """Write one balanced transfer and move the cached balances it touches (a plain increment:
    the row lock it takes serialises concurrent movers). Answers the transfer's id and the new
    cached balances by account id."""
    debits = sum(leg.amount for leg in legs if leg.side is Side.DEBIT)
    credits = sum(leg.amount for leg in legs if leg.side is Side.CREDIT)
    if debits != credits or debits <= 0 or any(leg.amount <= 0 for leg in legs):
        raise ValueError(f"unbalanced {kind} transfer: debits {debits}, credits {credits}")
    balances: dict[str, int] = {}
    for leg in legs:
        if leg.applied or leg.account.kind in SUMMED_KINDS:
            continue
        balances[leg.account.id] = _move(
            session, leg.account.id, signed(leg.account.kind, leg.side, leg.amount)
        )
    transfer_id = new_id()
    session.execute(_TRANSFER, {"id": transfer_id, "kind": kind, "amount": debits, "at": at})
    session.execute(
        _ENTRY,
        [
            {
                "transfer_id": transfer_id,
                "account_id": leg.account.id,
                "side": leg.side,
                "amount": leg.amount,
            }
            for leg in legs
        ],
    )
    return transfer_id, balances


def balance_of(session: Session, account: Account) -> int:
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
