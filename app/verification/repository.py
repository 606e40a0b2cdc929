from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app import direct
from app.kit.paging import keyset
from app.merchants import repository as merchants
from app.statements import Statements
from app.verification.models import Outcome, RateBucket, VerificationCount

# The counts' columns, one per outcome, in the order the enum lists them.
OUTCOMES: tuple[str, ...] = tuple(Outcome)


def add_counts(session: Session, merchant_id: str, day: date, counts: Mapping[str, int]) -> None:
    """Add to one merchant's counts for one day: a single upsert, no read-modify-write race.

    Written as INSERT ... SELECT from the merchant's row (merchants' repository), so the counts
    of a merchant whose row is gone are dropped rather than failing the request that folds them.
    """
    table = VerificationCount.__table__
    assert isinstance(table, sa.Table)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = [sa.literal(counts.get(outcome, 0), sa.Integer) for outcome in OUTCOMES]
    merchant = merchants.present(merchant_id)
    # SQLite reads "FROM x ON CONFLICT" as a join's ON unless the SELECT has a WHERE.
    source = sa.select(merchant.c.id, sa.literal(day, sa.Date), *values).where(sa.true())
    statement = insert(table).from_select(["merchant_id", "day", *OUTCOMES], source)
    statement = statement.on_conflict_do_update(
        index_elements=["merchant_id", "day"],
        set_={outcome: table.c[outcome] + statement.excluded[outcome] for outcome in OUTCOMES},
    )
    session.execute(statement)


def _clock(dialect: str) -> sa.ColumnElement[float]:
    """The database's time in seconds since the epoch, read when the statement runs: after it
    has waited for the bucket's row (PostgreSQL) or for the write lock (SQLite), so takes from
    one bucket see times in the order they take, whatever the app servers' clocks say."""
    if dialect == "postgresql":
        return sa.cast(sa.extract("epoch", sa.func.clock_timestamp()), sa.Double)
    return (sa.func.julianday("now") - 2440587.5) * 86400.0


@lru_cache(maxsize=2)
def _take(dialect: str) -> sa.Executable:
    """Take one request from a key's bucket if it holds one, returning whether it did, the
    moment the bucket will be full again, and the database's time. One upsert, so concurrent
    takes from any process queue on the row instead of racing a read against a write. Built
    once per dialect (a hot path): the key, `interval` and `window` are bound when it runs.

    The bucket holds a request when it is full again within `window - interval` from now;
    taking one moves that moment `interval` later than now or than itself, whichever is later.
    """
    table = RateBucket.__table__
    assert isinstance(table, sa.Table)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = _clock(dialect)
    step = sa.bindparam("interval", type_=sa.Double)
    full_at = table.c.full_at
    holds_one = full_at <= now + sa.bindparam("window", type_=sa.Double) - step
    later = sa.case((full_at > now, full_at), else_=now)
    statement = insert(table).values(key=sa.bindparam("key"), full_at=now + step, admitted=True)
    upsert = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"admitted": holds_one, "full_at": sa.case((holds_one, later + step), else_=full_at)},
    )
    return upsert.returning(table.c.admitted, table.c.full_at, now)


def _taken(row: Sequence[Any]) -> tuple[bool, float, float]:
    return bool(row[0]), float(row[1]), float(row[2])


def take_from_bucket(
    session: Session, key: str, interval: float, window: float
) -> tuple[bool, float, float]:
    """_take in the session's transaction (its row stays locked until that commits)."""
    statement = _take(session.get_bind().dialect.name)
    values = {"key": key, "interval": interval, "window": window}
    return _taken(session.execute(statement, values).one())


async def take_from_bucket_now(
    run: Statements, key: str, interval: float, window: float
) -> tuple[bool, float, float]:
    """_take as a transaction of its own: the row is locked for this one statement only."""
    values = {"key": key, "interval": interval, "window": window}
    (row,) = await run.run(_take(run.dialect), values)
    return _taken(row)


@lru_cache(maxsize=2)
def _full_at(dialect: str) -> sa.Executable:
    """bucket_full_at's query, built once per dialect as _take is: every charge runs it, and
    only the key is bound each time."""
    table = RateBucket.__table__
    assert isinstance(table, sa.Table)
    query = sa.select(table.c.full_at).where(table.c.key == sa.bindparam("key"))
    return sa.select(query.scalar_subquery(), _clock(dialect))


def bucket_full_at(session: Session, key: str) -> tuple[float | None, float]:
    """When the key's bucket will be full again (None: never taken from), and the database's time."""
    statement = _full_at(session.get_bind().dialect.name)
    ((full_at, now),) = direct.rows(session, statement, {"key": key})
    return (None if full_at is None else float(full_at)), float(now)


def daily_counts(
    session: Session,
    merchant_id: str | None,
    since: date,
    until: date,
    after: tuple[date, str] | None,
    limit: int,
) -> list[VerificationCount]:
    """By day and merchant, from just after `after`: limit + 1 rows (app.kit.paging)."""
    query = sa.select(VerificationCount).where(
        VerificationCount.day >= since, VerificationCount.day <= until
    )
    if merchant_id is not None:
        query = query.where(VerificationCount.merchant_id == merchant_id)
    order = [VerificationCount.day, VerificationCount.merchant_id]
    return list(session.scalars(keyset(query, order, after, limit)))


def outcome_totals(session: Session) -> dict[str, int]:
    """Every verification ever counted, by outcome (the daily counts summed), for /metrics."""
    sums = session.execute(
        sa.select(
            *(sa.func.coalesce(sa.func.sum(getattr(VerificationCount, o)), 0) for o in OUTCOMES)
        )
    ).one()
    return {o: int(n) for o, n in zip(OUTCOMES, sums, strict=True)}
