from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.models import Card, CardStatus
from app.cards.validity import CardState
from app.kit.types import as_utc
from app.statements import Statements

# Built once, the number bound per call: every charge and typed-number check reads a card, and
# building the query each time cost a charge more than loading the row.
_BY_NUMBER = sa.select(Card).where(Card.number == sa.bindparam("number"))
_BY_NUMBER_LOCKED = _BY_NUMBER.with_for_update().execution_options(populate_existing=True)


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Card | None:
    query = _BY_NUMBER_LOCKED if for_update else _BY_NUMBER
    return session.scalars(query, {"number": number}).one_or_none()


# Built once: the hot path binds the number on every scan.
_STATE_BY_NUMBER = sa.select(
    Card.status, Card.expires_on, Card.activated_at, Card.revoked_at
).where(Card.number == sa.bindparam("number"))


@dataclass(frozen=True)
class _State:
    status: CardStatus
    expires_on: date
    activated_at: datetime | None
    revoked_at: datetime | None


async def state_by_number(run: Statements, number: str) -> CardState | None:
    """The columns a card's usability is judged from, by its number: one indexed read."""
    rows = await run.run(_STATE_BY_NUMBER, {"number": number})
    if not rows:
        return None
    ((status, expires_on, activated_at, revoked_at),) = rows
    # The driver's own values (app.statements), not the column types': made UTC here.
    return _State(CardStatus(status), expires_on, as_utc(activated_at), as_utc(revoked_at))


def number_taken(session: Session, number: str) -> bool:
    return session.scalar(sa.select(sa.exists().where(Card.number == number))) or False


def status_index_taken(session: Session, list_id: str, index: int) -> bool:
    query = sa.exists().where(Card.status_list_id == list_id, Card.status_index == index)
    return session.scalar(sa.select(query)) or False


def add(session: Session, card: Card) -> None:
    session.add(card)
    session.flush()


def get(session: Session, card_id: str, *, for_update: bool = False) -> Card | None:
    query = sa.select(Card).where(Card.id == card_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def successor(session: Session, card_id: str) -> Card | None:
    """The newest card issued to replace or renew this one."""
    query = (
        sa.select(Card)
        .where(Card.replaces_card_id == card_id)
        .order_by(Card.issued_at.desc(), Card.id)
        .limit(1)
    )
    return session.scalars(query).first()


def of_applicant(session: Session, applicant_id: str) -> list[Card]:
    """Every card issued to one person, newest first."""
    query = (
        sa.select(Card)
        .where(Card.applicant_id == applicant_id)
        .order_by(Card.issued_at.desc(), Card.id)
    )
    return list(session.scalars(query))


def by_ids(session: Session, card_ids: Sequence[str]) -> dict[str, Card]:
    return {card.id: card for card in session.scalars(sa.select(Card).where(Card.id.in_(card_ids)))}


def successors(session: Session, card_ids: Sequence[str]) -> dict[str, Card]:
    """`successor` of each card that has one, by the replaced card's id, in one query."""
    query = (
        sa.select(Card)
        .where(Card.replaces_card_id.in_(card_ids))
        .order_by(Card.issued_at, Card.id.desc())
    )
    # Oldest first, so the newest successor of each card is the one left in the dict.
    return {card.replaces_card_id: card for card in session.scalars(query) if card.replaces_card_id}


def of_applicants(session: Session, applicant_ids: Sequence[str]) -> dict[str, list[Card]]:
    """`of_applicant` for many people in one query, by applicant id (people with no card left out)."""
    query = (
        sa.select(Card)
        .where(Card.applicant_id.in_(applicant_ids))
        .order_by(Card.issued_at.desc(), Card.id)
    )
    out: dict[str, list[Card]] = {}
    for card in session.scalars(query):
        out.setdefault(card.applicant_id, []).append(card)
    return out


def issued_since(session: Session, start: datetime) -> list[Card]:
    """Cards issued from `start` on and not revoked, oldest first."""
    query = (
        sa.select(Card)
        .where(Card.issued_at >= start, Card.status != CardStatus.REVOKED)
        .order_by(Card.issued_at, Card.id)
    )
    return list(session.scalars(query))


# The revocation list's rows: verification builds and signs the list from these.
def list_exists(session: Session, list_id: str) -> bool:
    query = sa.exists().where(Card.status_list_id == list_id)
    return session.scalar(sa.select(query)) or False


def list_fingerprint(session: Session, list_id: str) -> tuple[int, datetime | None, int | None]:
    """What changes whenever the list's content does: revocations only ever add entries.

    Asked on every request for the list, so it reads indexes only: the revoked cards from their
    partial index, the top index from the end of the (list, index) unique index. Counting every
    card on the list instead cost about 1 s a request at 1.5 million cards."""
    revoked = (Card.status_list_id == list_id, Card.status == CardStatus.REVOKED)
    top_index = (
        sa.select(sa.func.max(Card.status_index))
        .where(Card.status_list_id == list_id)
        .correlate(None)
    )
    query = sa.select(
        sa.func.count(), sa.func.max(Card.revoked_at), top_index.scalar_subquery()
    ).where(*revoked)
    count, last_revoked, top = session.execute(query).one()
    return int(count), last_revoked, top


def revoked_indexes(session: Session, list_id: str) -> list[int]:
    query = sa.select(Card.status_index).where(
        Card.status_list_id == list_id, Card.status == CardStatus.REVOKED
    )
    return list(session.scalars(query))
