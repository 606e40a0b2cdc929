"""The SQL of accounts, transfers and cached balances, for `accounts.py` (their only writer).
What every charge runs is plain SQL compiled once: building these statements from the ORM on
each call costs about three times the Python of running them (see bench/charges.py). The books'
passes (`ledger check`, the rollup) are in repository.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app import direct
from app.kit.types import UTCDateTime, new_id, utcnow
from app.payments.models import AccountKind, LedgerAccount, LedgerEntry, Side, TransferKind

# An account's identity: (id, kind, owner).
Identity = tuple[str, AccountKind, str]


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
# A charge, load or refund has two or three legs; a rollup has one per account and side, far
# more than one statement may bind (PostgreSQL allows 65,535 parameters).
_FEW_LEGS = 4


@lru_cache(maxsize=_FEW_LEGS)
def _entries(count: int) -> sa.TextClause:
    """A transfer's `count` entries as one INSERT: one round trip, where executemany cost a
    charge a pipeline's set-up and sync (about 4% of its CPU)."""
    rows = ", ".join(f"(:transfer_id, :account_{i}, :side_{i}, :amount_{i})" for i in range(count))
    return sa.text(
        f"INSERT INTO ledger_entries (transfer_id, account_id, side, amount_cents) VALUES {rows}"
    )


_IDENTITY = (LedgerAccount.id, LedgerAccount.kind, LedgerAccount.owner)


def find(session: Session, kind: AccountKind, owner: str) -> Identity | None:
    row = session.execute(_FIND, {"kind": kind, "owner": owner}).first()
    return None if row is None else (row[0], AccountKind(row[1]), row[2])


def find_pair(
    session: Session, a: tuple[AccountKind, str], b: tuple[AccountKind, str]
) -> list[Identity]:
    """Two accounts by (kind, owner) in one query; those that exist."""
    rows = direct.rows(
        session, _FIND_PAIR, {"kind_a": a[0], "owner_a": a[1], "kind_b": b[0], "owner_b": b[1]}
    )
    return [(id, AccountKind(kind), owner) for id, kind, owner in rows]


def add_account(session: Session, kind: AccountKind, owner: str, *, cached: bool) -> None:
    """The account's row unless it exists: two requests making it at once make one row."""
    insert_ignoring_conflict(
        session,
        LedgerAccount.__table__,  # type: ignore[arg-type]  # a mapped class's Table
        {
            "id": new_id(),
            "kind": kind,
            "owner": owner,
            "balance_cents": 0 if cached else None,
            "spent_cents": 0,
            "created_at": utcnow(),
        },
        ["kind", "owner"],
    )


def identity(session: Session, account_id: str) -> Identity:
    id, kind, owner = session.execute(
        sa.select(*_IDENTITY).where(LedgerAccount.id == account_id)
    ).one()
    return id, kind, owner


def cached_balance(session: Session, account_id: str, *, lock: bool = False) -> int | None:
    """The account's cached balance (None: a summed account); with `lock`, its row stays locked
    until the transaction ends."""
    query = sa.select(LedgerAccount.balance_cents).where(LedgerAccount.id == account_id)
    if lock:
        # FOR NO KEY UPDATE: enough to queue other movers, while inserts that merely reference
        # the account (entries, charges) need not wait for it.
        query = query.with_for_update(key_share=True)
    return session.execute(query).scalar_one()


def cached_balances(session: Session, kind: AccountKind, owners: Sequence[str]) -> dict[str, int]:
    query = sa.select(LedgerAccount.owner, LedgerAccount.balance_cents).where(
        LedgerAccount.kind == kind, LedgerAccount.owner.in_(owners)
    )
    return {owner: int(balance or 0) for owner, balance in session.execute(query)}


def spending(session: Session, account_id: str) -> tuple[date | None, int]:
    """(the day of the last spending, what was spent that day)."""
    spent_on, spent = session.execute(
        sa.select(LedgerAccount.spent_on, LedgerAccount.spent_cents).where(
            LedgerAccount.id == account_id
        )
    ).one()
    return spent_on, int(spent)


def spend(session: Session, account_id: str, amount: int, *, day: date, limit: int) -> int | None:
    """The conditional debit of stored value (see accounts.spend): the new balance, or None."""
    row = direct.first(
        session, _SPEND, {"id": account_id, "amount": amount, "day": day, "limit": limit}
    )
    return None if row is None else int(row[0])


def count_spent(session: Session, account_id: str, amount: int, *, day: date) -> None:
    session.execute(_COUNT_SPENT, {"id": account_id, "amount": amount, "day": day})


def move(session: Session, account_id: str, delta: int) -> int | None:
    """Add `delta` to the cached balance; the new balance."""
    balance: int | None = session.execute(_MOVE, {"id": account_id, "delta": delta}).scalar_one()
    return balance


def add_transfer(
    session: Session,
    transfer_id: str,
    kind: TransferKind,
    amount: int,
    at: datetime,
    entries: Sequence[tuple[str, Side, int]],
) -> None:
    """A transfer's row and its entries, (account id, side, amount) each."""
    direct.rows(session, _TRANSFER, {"id": transfer_id, "kind": kind, "amount": amount, "at": at})
    if len(entries) > _FEW_LEGS:
        session.execute(
            _ENTRY,
            [
                {"transfer_id": transfer_id, "account_id": account, "side": side, "amount": cents}
                for account, side, cents in entries
            ],
        )
        return
    values: dict[str, Any] = {"transfer_id": transfer_id}
    for i, (account_id, side, cents) in enumerate(entries):
        values.update({f"account_{i}": account_id, f"side_{i}": side, f"amount_{i}": cents})
    direct.rows(session, _entries(len(entries)), values)


def entries_total(session: Session, account_id: str, normal: Side) -> int:
    """The account's entries on its normal side minus the others."""
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
        ).where(LedgerEntry.account_id == account_id)
    )
    return int(total or 0)
