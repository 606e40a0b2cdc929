from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cards.models import Card


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Card | None:
    query = sa.select(Card).where(Card.number == number)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


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
