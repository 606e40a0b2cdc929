"""All SQL about applicants, their photos and the decisions on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session

from app.applicants.models import (
    Applicant,
    ApplicantStatus,
    Decision,
    DecisionOutcome,
    Photo,
    Signature,
)
from app.kit.paging import keyset


def add(session: Session, row: Applicant | Decision | Photo | Signature) -> None:
    session.add(row)
    session.flush()


def get(session: Session, applicant_id: str, *, for_update: bool = False) -> Applicant | None:
    query = sa.select(Applicant).where(Applicant.id == applicant_id)
    if for_update:
        # Approve/deny lock the applicant, so two clerks cannot decide (or issue two cards) at once.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _has_word_starting(column: Mapped[str], word: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        column.like(_like_prefix(word), escape="\\"),
        column.like("% " + _like_prefix(word), escape="\\"),
    )


def _matching(
    words: list[str], skeletons: list[str], date_of_birth: date | None
) -> sa.Select[str, str, date]:
    matched = sa.select(Applicant.id, Applicant.name_key, Applicant.date_of_birth)
    if len(skeletons) != len(words):
        # A word that was all invisible characters: match by keys alone.
        skeletons = words
    for word, shape in zip(words, skeletons, strict=True):
        matched = matched.where(
            sa.or_(
                _has_word_starting(Applicant.name_key, word),
                _has_word_starting(Applicant.name_skeleton, shape),
            )
        )
    if date_of_birth is not None:
        matched = matched.where(Applicant.date_of_birth == date_of_birth)
    return matched


def search(
    session: Session,
    *,
    words: list[str],
    skeletons: list[str],
    date_of_birth: date | None,
    after: tuple[str, date, str] | None,
    limit: int,
) -> list[Applicant]:
    """Applicants whose name key has a word starting with each searched word, in any order, or
    whose skeleton has one starting with the word's skeleton; born on the day given (if one is)."""
    # The matches first, then their order: left to plan one query, PostgreSQL walks the name_key
    # btree in order for the LIMIT and tests each name on the way (692 ms for a common name at
    # 150,000 holders), where the trigram indexes (migration 0019) find the matches at once.
    # MATERIALIZED keeps the two apart; SQLite, which has no trigram index, plans it as before.
    found = (
        _matching(words, skeletons, date_of_birth)
        .cte("matched")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # limit + 1 rows, for the service to know whether another page follows (app.kit.paging);
    # only the page's rows are read whole.
    order = [found.c.name_key, found.c.date_of_birth, found.c.id]
    page = keyset(sa.select(*order), order, after, limit).subquery("page")
    query = sa.select(Applicant).join(page, page.c.id == Applicant.id)
    return list(session.scalars(query.order_by(page.c.name_key, page.c.date_of_birth, page.c.id)))


def by_ids(session: Session, applicant_ids: Sequence[str]) -> dict[str, Applicant]:
    query = sa.select(Applicant).where(Applicant.id.in_(applicant_ids))
    return {applicant.id: applicant for applicant in session.scalars(query)}


def born_on(session: Session, day: date, *, limit: int = 500) -> list[Applicant]:
    query = sa.select(Applicant).where(Applicant.date_of_birth == day).order_by(Applicant.id)
    return list(session.scalars(query.limit(limit)))


def pending(session: Session, *, limit: int) -> list[Applicant]:
    query = sa.select(Applicant).where(Applicant.status == ApplicantStatus.PENDING)
    return list(session.scalars(query.order_by(Applicant.created_at, Applicant.id).limit(limit)))


def count_pending(session: Session) -> int:
    query = sa.select(sa.func.count()).where(Applicant.status == ApplicantStatus.PENDING)
    return int(session.scalar(query) or 0)


def photo(session: Session, applicant_id: str) -> Photo | None:
    return session.get(Photo, applicant_id)


def has_photo(session: Session, applicant_id: str) -> bool:
    query = sa.select(sa.exists().where(Photo.applicant_id == applicant_id))
    return bool(session.scalar(query))


def replace_photo(session: Session, new: Photo) -> None:
    old = session.get(Photo, new.applicant_id)
    if old is None:
        add(session, new)
        return
    old.jpeg, old.width, old.height = new.jpeg, new.width, new.height
    old.uploaded_by, old.uploaded_at = new.uploaded_by, new.uploaded_at
    session.flush()


def signature(session: Session, applicant_id: str) -> Signature | None:
    return session.get(Signature, applicant_id)


def replace_signature(session: Session, new: Signature) -> None:
    old = session.get(Signature, new.applicant_id)
    if old is None:
        add(session, new)
        return
    old.png, old.uploaded_by, old.uploaded_at = new.png, new.uploaded_by, new.uploaded_at
    session.flush()


def latest_approvers(session: Session, applicant_ids: Sequence[str]) -> dict[str, str]:
    """Who made the latest approval of each applicant (`decided_by`), by applicant id; applicants
    never approved are left out."""
    query = (
        sa.select(Decision.applicant_id, Decision.decided_by)
        .where(
            Decision.outcome == DecisionOutcome.APPROVED, Decision.applicant_id.in_(applicant_ids)
        )
        .order_by(Decision.decided_at, Decision.id)
    )
    # Oldest first, so each applicant's latest approval is the one left in the dict.
    return dict(session.execute(query).all())
