"""Per-merchant daily verification counts, kept in memory and folded into the table in batches.

A database write for every verification would cap throughput at the database's write rate (and
on SQLite serialise every request), so each process adds up its own counts and folds them into
`verification_counts` with one upsert per merchant and day: when enough have piled up, when some
time has passed, when counts are read, and when the server shuts down. The fold runs in the
session of the request that triggers it; if that transaction rolls back, the counts go back in.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import session_factory
from app.verification import repository

# Fold when this many verifications are pending or this many seconds have passed since the last
# fold: a worker killed outright (SIGKILL) loses at most this many counts, or this many seconds'
# worth, each worker its own; none on SIGTERM, whose shutdown folds (docs/scaling.md).
FOLD_AFTER_COUNT = 1000
FOLD_AFTER_SECONDS = 30.0

Key = tuple[str, date, str]  # merchant id, day, outcome
_DRAINED = "verification_counts_drained"


class PendingCounts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[Key] = Counter()
        self._total = 0
        self._last_fold = time.monotonic()

    def note(self, merchant_id: str, day: date, outcome: str) -> bool:
        """Count one verification; answers whether it is time to fold."""
        with self._lock:
            self._pending[(merchant_id, day, outcome)] += 1
            self._total += 1
            return (
                self._total >= FOLD_AFTER_COUNT
                or time.monotonic() - self._last_fold >= FOLD_AFTER_SECONDS
            )

    def drain(self) -> Counter[Key]:
        with self._lock:
            drained, self._pending, self._total = self._pending, Counter(), 0
            self._last_fold = time.monotonic()
            return drained

    def restore(self, drained: Counter[Key]) -> None:
        with self._lock:
            self._pending.update(drained)
            self._total += sum(drained.values())


pending = PendingCounts()


def fold(session: Session) -> None:
    """Move this process's pending counts into the table, within the session's transaction."""
    drained = pending.drain()
    if not drained:
        return
    session.info.setdefault(_DRAINED, Counter()).update(drained)
    by_row: dict[tuple[str, date], dict[str, int]] = {}
    for (merchant_id, day, outcome), n in drained.items():
        by_row.setdefault((merchant_id, day), {})[outcome] = n
    # Sorted, so two processes folding at once lock rows in the same order and cannot deadlock.
    for (merchant_id, day), counts in sorted(by_row.items()):
        repository.add_counts(session, merchant_id, day, counts)


def fold_now() -> None:
    """Fold in a transaction of its own (at shutdown, when no request is running)."""
    with session_factory()() as session, session.begin():
        fold(session)


@event.listens_for(Session, "after_commit")
def _forget_drained(session: Session) -> None:
    session.info.pop(_DRAINED, None)


@event.listens_for(Session, "after_rollback")
def _restore_drained(session: Session) -> None:
    drained = session.info.pop(_DRAINED, None)
    if drained:
        pending.restore(drained)
