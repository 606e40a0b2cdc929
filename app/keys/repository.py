from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.keys.models import SigningKeyRecord


def get(session: Session, kid: str) -> SigningKeyRecord | None:
    return session.get(SigningKeyRecord, kid)


def all_keys(session: Session) -> list[SigningKeyRecord]:
    return list(session.scalars(sa.select(SigningKeyRecord).order_by(SigningKeyRecord.created_at)))


def signing(session: Session, now: datetime) -> SigningKeyRecord | None:
    """The newest key that may sign now."""
    query = (
        sa.select(SigningKeyRecord)
        .where(SigningKeyRecord.withdrawn_at.is_(None))
        .where(sa.or_(SigningKeyRecord.signs_until.is_(None), SigningKeyRecord.signs_until > now))
        .order_by(SigningKeyRecord.created_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def published(session: Session, today: date, retired_after: datetime) -> list[tuple[str, str]]:
    """(kid, public key) of every key a verifier still needs: not withdrawn, and either still
    signing, recently retired (status lists it signed are still current), or with cards valid."""
    query = (
        sa.select(SigningKeyRecord.kid, SigningKeyRecord.public_key)
        .where(SigningKeyRecord.withdrawn_at.is_(None))
        .where(
            sa.or_(
                SigningKeyRecord.signs_until.is_(None),
                SigningKeyRecord.signs_until > retired_after,
                SigningKeyRecord.last_card_expires >= today,
            )
        )
        .order_by(SigningKeyRecord.kid)
    )
    return [(kid, pub) for kid, pub in session.execute(query)]


def add(session: Session, record: SigningKeyRecord) -> None:
    session.add(record)
    session.flush()


def note_card_expiry(session: Session, kid: str, expires_on: date) -> None:
    # One conditional UPDATE: no read-modify-write race between concurrent issuers.
    session.execute(
        sa.update(SigningKeyRecord)
        .where(SigningKeyRecord.kid == kid)
        .where(
            sa.or_(
                SigningKeyRecord.last_card_expires.is_(None),
                SigningKeyRecord.last_card_expires < expires_on,
            )
        )
        .values(last_card_expires=expires_on)
    )
