"""Accounts, balanced transfers and the cached balances they move: the only writer of all three.

Every account has a normal side: a cardholder's stored value and a merchant's payable are what
the city owes (credit-normal), as is the city's fee revenue; a branch's cash drawer and a cardholder's shortfall are what the
city holds or is owed (debit-normal). A balance is the sum of the account's entries on its normal
side minus the other side; the cached `balance_cents` must always equal it (`ledger check`).

Locks are always taken in one order, so two transactions never wait on each other in a circle:
idempotency key, account rows being created (by kind, then owner), a charge being refunded or a
parking session being extended, then cardholders' stored value (by account id), each one's
shortfall, a branch drawer; the audit chain head last, at commit.

The statements themselves are in accounts_repository.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.kit.types import new_id
from app.payments.ledger import accounts_repository as repository
from app.payments.models import AccountKind, Side, TransferKind

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


def find(session: Session, kind: AccountKind, owner: str) -> Account | None:
    found = repository.find(session, kind, owner)
    return None if found is None else Account(*found)


def find_pair(
    session: Session, a: tuple[AccountKind, str], b: tuple[AccountKind, str]
) -> dict[tuple[AccountKind, str], Account]:
    """Two accounts by (kind, owner) in one query; those that exist."""
    found = (Account(*row) for row in repository.find_pair(session, a, b))
    return {(account.kind, account.owner): account for account in found}


def ensure(session: Session, kind: AccountKind, owner: str) -> Account:
    """The account, made on first use; two requests making it at once get the same row."""
    account = find(session, kind, owner)
    if account is not None:
        return account
    repository.add_account(session, kind, owner, cached=kind not in SUMMED_KINDS)
    account = find(session, kind, owner)
    assert account is not None, "an account inserted or found a moment ago"
    return account


def by_id(session: Session, account_id: str) -> Account:
    return Account(*repository.identity(session, account_id))


def cached_balance(session: Session, account: Account, *, lock: bool = False) -> int:
    """The account's cached balance; with `lock`, its row stays locked until the transaction ends."""
    balance = repository.cached_balance(session, account.id, lock=lock)
    assert balance is not None, f"{account.kind} accounts are summed, not cached"
    return balance


def cached_balances(session: Session, kind: AccountKind, owners: Sequence[str]) -> dict[str, int]:
    """Cached balances of many owners' accounts of one kind, by owner (no account: left out)."""
    assert kind not in SUMMED_KINDS, f"{kind} accounts are summed, not cached"
    return repository.cached_balances(session, kind, owners)


def spent_today(session: Session, account: Account, day: date) -> int:
    """What the cardholder has spent on the city day `day`."""
    spent_on, spent = repository.spending(session, account.id)
    return spent if spent_on == day else 0


def spend(session: Session, account_id: str, amount: int, *, day: date, limit: int) -> int | None:
    """Take `amount` from stored value if the balance covers it and the day's spending stays within
    `limit`; the new balance, or None when refused. One statement: the row lock it takes and
    PostgreSQL's re-check of the WHERE on the newest row version make concurrent charges queue
    on the card instead of overdrawing it, under plain READ COMMITTED."""
    return repository.spend(session, account_id, amount, day=day, limit=limit)


def count_spent(session: Session, account_id: str, amount: int, *, day: date) -> None:
    """Add `amount` to what the card spent on `day` without moving its balance (an offline
    charge, which its balance and shortfall already paid)."""
    repository.count_spent(session, account_id, amount, day=day)


def _move(session: Session, account_id: str, delta: int) -> int:
    balance = repository.move(session, account_id, delta)
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
    entries = [(leg.account.id, leg.side, leg.amount) for leg in legs]
    repository.add_transfer(session, transfer_id, kind, debits, at, entries)
    return transfer_id, balances


def balance_of(session: Session, account: Account) -> int:
    """A balance as the entries say: what summed accounts report, what `ledger check` compares."""
    return repository.entries_total(session, account.id, NORMAL_SIDE[account.kind])
