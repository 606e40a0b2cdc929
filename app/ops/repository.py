"""The SQL behind readiness and the metrics."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.printing.models import PrintJob, PrintJobStatus
from app.payments.models import Charge, LedgerTransfer
from app.verification.models import VerificationCount

OUTCOMES = ("valid", "revoked", "expired", "invalid")


@dataclass(frozen=True)
class Figures:
    verifications: dict[str, int]
    charges: dict[str, tuple[int, int]]
    moved: dict[str, int]
    print_queue: int


def ping(session: Session) -> None:
    session.execute(sa.select(1))


def migration_heads(session: Session) -> set[str]:
    """The revisions the database says it is at (empty when it was never migrated)."""
    if not sa.inspect(session.connection()).has_table("alembic_version"):
        return set()
    return set(session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def figures(session: Session) -> Figures:
    sums = session.execute(
        sa.select(
            *(sa.func.coalesce(sa.func.sum(getattr(VerificationCount, o)), 0) for o in OUTCOMES)
        )
    ).one()
    charges = session.execute(
        sa.select(Charge.purpose, sa.func.count(), sa.func.sum(Charge.amount_cents)).group_by(
            Charge.purpose
        )
    ).all()
    moved = session.execute(
        sa.select(LedgerTransfer.kind, sa.func.sum(LedgerTransfer.amount_cents)).group_by(
            LedgerTransfer.kind
        )
    ).all()
    queued = session.execute(
        sa.select(sa.func.count())
        .select_from(PrintJob)
        .where(PrintJob.status == PrintJobStatus.QUEUED)
    ).scalar_one()
    return Figures(
        verifications={o: int(n) for o, n in zip(OUTCOMES, sums, strict=True)},
        charges={p: (int(n), int(c or 0)) for p, n, c in charges},
        moved={k: int(c or 0) for k, c in moved},
        print_queue=int(queued),
    )
