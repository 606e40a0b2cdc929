"""The SQL behind readiness; the metrics' figures come from each domain's repository."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.printing import repository as printing
from app.payments.charges import repository as charges
from app.payments.ledger import repository as ledger
from app.statements import Statements
from app.verification import repository as verification


@dataclass(frozen=True)
class Figures:
    verifications: dict[str, int]
    charges: dict[str, tuple[int, int]]
    moved: dict[str, int]
    print_queue: int


def ping(session: Session) -> None:
    session.execute(sa.select(1))


async def ping_now(run: Statements) -> None:
    await run.run(sa.select(1))


def migration_heads(session: Session) -> set[str]:
    """The revisions the database says it is at (empty when it was never migrated)."""
    if not sa.inspect(session.connection()).has_table("alembic_version"):
        return set()
    return set(session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def figures(session: Session) -> Figures:
    """Each domain's figures, read through its own repository."""
    return Figures(
        verifications=verification.outcome_totals(session),
        charges=charges.totals_by_purpose(session),
        moved=ledger.moved_by_kind(session),
        print_queue=printing.queued_count(session),
    )
